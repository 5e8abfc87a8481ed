import { Logger, Provider } from '@nestjs/common';
import { AlertRule } from '@app/contracts';
import { checkChannelUrls, EgressPolicy } from '@app/net';
import { AlertingConfig } from './alerting.config';
import { DeliveryExecutor, DeliverySettings } from './delivery';
import { RuleUrlChecker } from './rules/rule-url-checker';

export function deliverySettings(config: AlertingConfig): DeliverySettings {
  return {
    smtpUrl: config.smtpUrl || undefined,
    smtpFrom: config.smtpFrom,
    pagerDutyEventsUrl: config.pagerDutyEventsUrl,
    allowedHosts: config.notifyAllowedHosts,
    allowedPorts: config.notifyAllowedPorts,
    attemptTimeoutMs: config.notifyAttemptTimeoutMs,
    maxAttempts: config.notifyMaxAttempts,
    initialBackoffMs: config.notifyBackoffInitialMs,
    maxBackoffMs: config.notifyBackoffMaxMs,
    // Channel secrets are named by rules (urlEnv, secretEnv, routingKeyEnv) and read at send time.
    env: process.env,
  };
}

/**
 * A rule is refused when one of its URLs is not http(s) or points at loopback, private,
 * link-local or metadata addresses (unless NOTIFY_ALLOWED_HOSTS allows it), or uses a port other
 * than 80 and 443 (unless NOTIFY_ALLOWED_PORTS lists it). A host that does
 * not resolve right now is only logged: rules come from a compacted topic, and a replica
 * starting during a DNS hiccup must not drop a rule every other replica applies. The same
 * policy runs again on every connection, so such a host is still checked before anything is sent.
 */
export class EgressRuleUrlChecker extends RuleUrlChecker {
  private readonly logger = new Logger('RuleUrlChecker');

  constructor(
    private readonly egress: EgressPolicy,
    private readonly env: Record<string, string | undefined>,
  ) {
    super();
  }

  async check(rule: AlertRule): Promise<string[]> {
    const { reasons, unresolved } = await checkChannelUrls(rule.channels, this.egress, this.env);
    for (const finding of unresolved) {
      this.logger.warn(`rule ${rule.id} ${finding}; checked again at send time`);
    }
    return reasons;
  }
}

export function deliveryProviders(config: AlertingConfig): Provider[] {
  const settings = deliverySettings(config);
  return [
    { provide: DeliveryExecutor, useValue: new DeliveryExecutor(settings) },
    {
      provide: RuleUrlChecker,
      useValue: new EgressRuleUrlChecker(
        new EgressPolicy({
          allowedHosts: settings.allowedHosts,
          allowedPorts: settings.allowedPorts,
        }),
        settings.env,
      ),
    },
  ];
}
