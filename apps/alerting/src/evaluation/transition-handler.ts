import { Injectable } from '@nestjs/common';
import { LifecycleMessage } from '@app/contracts';
import { Transition } from '@app/engine';
import { IncidentLedger } from '../incidents/incident-ledger.service';
import { IncidentTracker } from '../incidents/incident-tracker';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { RuleCatalog } from '../rules/rule-catalog.service';

/** Window transitions in, lifecycle messages out (and counted). */
@Injectable()
export class TransitionHandler {
  private readonly tracker: IncidentTracker;

  constructor(
    private readonly catalog: RuleCatalog,
    ledger: IncidentLedger,
    private readonly metrics: AlertingMetrics,
  ) {
    this.tracker = new IncidentTracker(ledger.book);
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
      }
    }
    return messages;
  }
}
