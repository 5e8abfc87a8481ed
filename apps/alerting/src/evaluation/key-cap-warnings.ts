import { LoggerService } from '@nestjs/common';
import { AlertingMetrics } from '../metrics/alerting.metrics';

/** A rule at its key cap is named in the log at most this often (the counter has every event). */
const KEY_CAP_WARNING_MS = 60_000;

/** Counts every event refused by a rule's key cap, and names the rule in the log now and then. */
export class KeyCapWarnings {
  /** When each rule at its key cap was last named in the log. */
  private readonly warnedAt = new Map<string, number>();

  constructor(
    private readonly maxKeysPerRule: number,
    private readonly metrics: AlertingMetrics,
    private readonly logger: LoggerService,
  ) {}

  refused(ruleId: string, now: number): void {
    this.metrics.keysRefused.inc({ rule: ruleId });
    const warnedAt = this.warnedAt.get(ruleId);
    if (warnedAt !== undefined && now - warnedAt < KEY_CAP_WARNING_MS) return;
    this.warnedAt.set(ruleId, now);
    this.logger.warn(
      `rule ${ruleId} tracks ${this.maxKeysPerRule} group keys (ALERTING_MAX_KEYS_PER_RULE): events for new keys are not evaluated`,
    );
  }
}
