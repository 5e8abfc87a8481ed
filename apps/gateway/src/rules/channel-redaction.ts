import type { AlertRule, ChannelConfig } from '@app/contracts';
import type { Principal } from '../auth';

/**
 * A channel URL as non-admins see it: scheme and host, then an ellipsis. Chat and webhook URLs
 * carry their credential in the path or query (`https://hooks.slack.com/services/T/B/secret`),
 * so only where a rule sends is shown, never how it gets in.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
}

export function redactChannels(channels: readonly ChannelConfig[]): ChannelConfig[] {
  return channels.map((channel) =>
    'url' in channel && typeof channel.url === 'string'
      ? { ...channel, url: redactUrl(channel.url) }
      : channel,
  );
}

/**
 * What `principal` may see of a rule-shaped value (a rule, or an audit entry's before/after):
 * admins everything, since they edit rules; everyone else the channels' URLs redacted.
 */
export function ruleAsSeenBy<T extends object | null>(value: T, principal: Principal): T {
  if (principal.role === 'admin' || value === null) return value;
  const channels = (value as Partial<AlertRule>).channels;
  if (!Array.isArray(channels)) return value;
  return { ...value, channels: redactChannels(channels) };
}
