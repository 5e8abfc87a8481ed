/** Everything delivery needs from configuration; the alerting config maps env and files into it. */
export interface DeliverySettings {
  /** `smtp://user:pass@host:587` or `smtps://...`; email channels fail without it. */
  smtpUrl?: string;
  smtpFrom: string;
  pagerDutyEventsUrl: string;
  /** Host names, `*.domain` wildcards, IPs and CIDRs that rule URLs may reach although internal. */
  allowedHosts: string[];
  /** Ports or `from-to` ranges that rule URLs may use besides 80 and 443. */
  allowedPorts: string[];
  attemptTimeoutMs: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Where `urlEnv`, `secretEnv` and `routingKeyEnv` are looked up (normally process.env). */
  env: Record<string, string | undefined>;
}

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const DEFAULT_WEBHOOK_SECRET_ENV = 'WEBHOOK_SECRET';
export const DEFAULT_PAGERDUTY_ROUTING_KEY_ENV = 'PAGERDUTY_ROUTING_KEY';

/** Start-up check: a nonsensical retry policy is a configuration error, not a runtime surprise. */
export function checkDeliverySettings(settings: DeliverySettings): string[] {
  const reasons: string[] = [];
  const positiveInteger = (value: number, name: string) => {
    if (!Number.isInteger(value) || value < 1) {
      reasons.push(`${name} must be a positive integer, got ${value}`);
    }
  };
  positiveInteger(settings.attemptTimeoutMs, 'attemptTimeoutMs');
  positiveInteger(settings.maxAttempts, 'maxAttempts');
  positiveInteger(settings.initialBackoffMs, 'initialBackoffMs');
  positiveInteger(settings.maxBackoffMs, 'maxBackoffMs');
  // The delivery record contract caps attempts at 100; beyond that a channel is simply down.
  if (settings.maxAttempts > 100)
    reasons.push(`maxAttempts must be at most 100, got ${settings.maxAttempts}`);
  if (settings.maxBackoffMs < settings.initialBackoffMs) {
    reasons.push('maxBackoffMs must not be smaller than initialBackoffMs');
  }
  if (!settings.smtpFrom.trim()) reasons.push('smtpFrom must not be empty');
  return reasons;
}
