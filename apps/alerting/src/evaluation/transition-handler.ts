import { Injectable, Logger } from '@nestjs/common';
import { LifecycleMessage } from '@app/contracts';
import { Transition } from '@app/engine';
import { IncidentLedger } from '../incidents/incident-ledger.service';
import { IncidentTracker } from '../incidents/incident-tracker';
import { OpeningLimiter } from '../incidents/opening-limiter';
import { AlertingConfig } from '../alerting.config';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { RuleCatalog } from '../rules/rule-catalog.service';

/** Window transitions in, lifecycle messages out (and counted). */
@Injectable()
export class TransitionHandler {
  private readonly logger = new Logger('Evaluation');
  private readonly tracker: IncidentTracker;

  constructor(
    private readonly catalog: RuleCatalog,
    private readonly ledger: IncidentLedger,
    private readonly metrics: AlertingMetrics,
    config: AlertingConfig,
  ) {
    this.tracker = new IncidentTracker(
      this.ledger.book,
      new OpeningLimiter(config.maxIncidentsPerRulePerMinute),
    );
  }

  /** Whether the engine must keep a firing key: an incident of it is open or acknowledged. */
  hasOpenIncident(ruleId: string, groupKey: string): boolean {
    return this.tracker.hasOpenIncident(ruleId, groupKey);
  }

  /**
   * Drops resolved incidents older than their rule's cooldown and `replayMs` (the look-back a
   * rebuild re-evaluates): nothing decides on them any more.
   */
  forgetStaleIncidents(now: number, replayMs: number): number {
    return this.ledger.book.forgetResolved((incident) => {
      const cooldownMs = (this.catalog.get(incident.ruleId)?.cooldownSeconds ?? 0) * 1000;
      return Date.parse(incident.resolvedAt!) + Math.max(cooldownMs, replayMs) < now;
    });
  }

  handle(transitions: readonly Transition[], now: Date): LifecycleMessage[] {
    const messages: LifecycleMessage[] = [];
    for (const transition of transitions) {
      const rule = this.catalog.get(transition.ruleId);
      if (!rule) continue;
      const decision = this.tracker.decide(rule, transition, now);
      if (decision.action === 'publish') {
        messages.push(decision.message);
        this.metrics.incidents.inc({ kind: decision.message.kind });
      } else {
        this.metrics.suppressed.inc({ reason: decision.reason });
        if (decision.reason === 'rate-limited')
          this.metrics.incidentsRateLimited.inc({ rule: rule.id });
        if (decision.notice) {
          messages.push(decision.notice);
          this.metrics.incidents.inc({ kind: decision.notice.kind });
          this.logger.warn(`rule ${rule.id}: ${decision.notice.summary}`);
        }
      }
    }
    return messages;
  }
}
