import { ChatChannel, LifecycleMessage } from '@app/contracts';
import { postJson } from '../transport/post-json';
import { misconfigured, prepared, Preparation, SendRequest, SenderDeps } from './channel-sender';
import { resolveRuleUrl } from './rule-url';

/** Slack, Discord and Teams differ only in the body; the URL handling is the same. */
export function chatDelivery(
  { message, channel }: SendRequest<ChatChannel>,
  deps: SenderDeps,
  render: (message: LifecycleMessage) => Record<string, unknown>,
): Preparation {
  const resolved = resolveRuleUrl(channel.type, channel.url, channel.urlEnv, deps);
  if (!resolved.ok) return misconfigured(resolved.target, resolved.error, resolved.secrets);
  const body = JSON.stringify(render(message));
  return prepared({
    target: resolved.target,
    secrets: resolved.secrets,
    send: ({ signal }) =>
      postJson(resolved.url, body, { signal, lookup: deps.egress.lookup, now: deps.now }),
  });
}
