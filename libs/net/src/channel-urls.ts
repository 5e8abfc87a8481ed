import type { ChannelConfig } from '@app/contracts';
import type { EgressPolicy } from './egress-policy';

export interface ChannelUrlFindings {
  /** Problems that refuse the rule: not http(s), or an address the policy denies. */
  reasons: string[];
  /** Hosts that do not resolve right now: checked again at connect time, so only worth a log. */
  unresolved: string[];
}

/**
 * Checks every URL a rule's channels would send to (given inline or through a `CHANNEL_*`
 * environment variable) against the egress policy. The alerting app and the gateway both
 * accept rules, and must refuse the same ones.
 */
export async function checkChannelUrls(
  channels: readonly ChannelConfig[],
  egress: EgressPolicy,
  env: Record<string, string | undefined>,
): Promise<ChannelUrlFindings> {
  const findings: ChannelUrlFindings = { reasons: [], unresolved: [] };
  for (const [index, channel] of channels.entries()) {
    const url =
      'url' in channel && channel.url
        ? channel.url
        : 'urlEnv' in channel && channel.urlEnv
          ? env[channel.urlEnv]
          : undefined;
    if (!url) continue;
    for (const reason of await egress.checkUrl(url)) {
      const finding = `channels[${index}] (${channel.type}): ${reason}`;
      if (/does not resolve/.test(reason)) findings.unresolved.push(finding);
      else findings.reasons.push(finding);
    }
  }
  return findings;
}
