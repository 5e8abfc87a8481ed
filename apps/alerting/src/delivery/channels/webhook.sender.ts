import { createHmac } from 'node:crypto';
import { WebhookChannel } from '@app/contracts';
import { DEFAULT_WEBHOOK_SECRET_ENV } from '../delivery-settings';
import { webhookBody } from '../messages/webhook-body';
import { postJson } from '../transport/post-json';
import { ChannelSender, misconfigured, prepared, SenderDeps } from './channel-sender';
import { resolveRuleUrl } from './rule-url';

/** `sha256=<hex>` over `<timestamp>.<body>`: the timestamp is signed so a capture cannot be replayed later. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Generic webhook: the lifecycle message as JSON, signed with HMAC-SHA256 when a secret is
 * configured. A rule that names `secretEnv` demands a signature, so a missing secret fails
 * the delivery; without `secretEnv` and without WEBHOOK_SECRET it goes unsigned (once
 * warned), since the signature protects the receiver and receivers that do not verify
 * should not be broken by the sender's configuration.
 */
export const sendToWebhook: ChannelSender<WebhookChannel> = (
  { message, channel, idempotencyKey },
  deps,
) => {
  const resolved = resolveRuleUrl('webhook', channel.url, channel.urlEnv, deps);
  if (!resolved.ok) return misconfigured(resolved.target, resolved.error, resolved.secrets);
  const secretEnv = channel.secretEnv ?? DEFAULT_WEBHOOK_SECRET_ENV;
  const secret = deps.settings.env[secretEnv] || undefined;
  if (!secret && channel.secretEnv !== undefined) {
    return misconfigured(
      resolved.target,
      `env ${secretEnv} (the webhook signing secret) is not set`,
      resolved.secrets,
    );
  }
  if (!secret) warnUnsigned(deps);
  const body = webhookBody(message);
  return prepared({
    target: resolved.target,
    secrets: secret ? [...resolved.secrets, secret] : resolved.secrets,
    send: ({ signal }) => {
      const timestamp = Math.floor(deps.now() / 1000);
      const headers: Record<string, string> = {
        'Idempotency-Key': idempotencyKey,
        'X-Eventmon-Timestamp': String(timestamp),
      };
      if (secret) headers['X-Eventmon-Signature'] = webhookSignature(secret, timestamp, body);
      return postJson(resolved.url, body, {
        headers,
        signal,
        lookup: deps.egress.lookup,
        now: deps.now,
      });
    },
  });
};

const warned = new WeakSet<SenderDeps>();

function warnUnsigned(deps: SenderDeps): void {
  if (warned.has(deps)) return;
  warned.add(deps);
  deps.logger.warn(
    `webhook notifications are sent unsigned: ${DEFAULT_WEBHOOK_SECRET_ENV} is not set and the rule names no secretEnv`,
    'Delivery',
  );
}
