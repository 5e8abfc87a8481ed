import { AlertRule } from '@app/contracts';
import { AlertEngine, EngineEvent, Transition } from '@app/engine';

export interface BacktestIncident {
  groupKey: string;
  openedAt: string;
  value: number | null;
  windowStart: string;
  windowEnd: string;
  eventIds: string[];
  /** When autoResolve would have resolved it within the range; null if still open at the end. */
  resolvedAt: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Replays stored events through the alerting app's own engine, with the clock set to each
 * event's time (and ticked before it, so "fewer than" rules fire on silence as they would
 * live), then applies the incident policy the alerting app applies: one incident per
 * crossing, none while one is open or within the cooldown after it resolved, resolved when
 * the condition clears if the rule auto-resolves.
 */
export class Backtest {
  private readonly engine = new AlertEngine({
    graceMs: 0,
    maxFutureSkewMs: Number.MAX_SAFE_INTEGER,
    idleKeyTtlMs: Number.MAX_SAFE_INTEGER,
  });
  private readonly open = new Map<string, BacktestIncident>();
  private readonly quietUntil = new Map<string, number>();
  readonly incidents: BacktestIncident[] = [];
  eventsScanned = 0;

  constructor(
    private readonly rule: AlertRule,
    from: number,
  ) {
    // A backtest asks what the rule would have done over the range: its activation does not apply.
    this.engine.setRule({ ...rule, enabled: true, activeFrom: undefined }, from);
  }

  offer(event: EngineEvent): void {
    this.eventsScanned++;
    this.apply(this.engine.tick(event.occurredAt), event.occurredAt);
    this.apply(this.engine.offer(event, event.occurredAt).transitions, event.occurredAt);
  }

  finish(to: number): BacktestIncident[] {
    this.apply(this.engine.tick(to), to);
    return this.incidents;
  }

  private apply(transitions: Transition[], at: number): void {
    for (const transition of transitions) {
      const current = this.open.get(transition.groupKey);
      if (transition.firing) {
        if (current || at < (this.quietUntil.get(transition.groupKey) ?? -Infinity)) continue;
        const incident: BacktestIncident = {
          groupKey: transition.groupKey,
          openedAt: iso(at),
          value: transition.value,
          windowStart: iso(transition.windowStart),
          windowEnd: iso(transition.windowEnd),
          eventIds: transition.eventIds,
          resolvedAt: null,
        };
        this.open.set(transition.groupKey, incident);
        this.incidents.push(incident);
      } else if (current && this.rule.autoResolve) {
        current.resolvedAt = iso(at);
        this.open.delete(transition.groupKey);
        this.quietUntil.set(transition.groupKey, at + this.rule.cooldownSeconds * 1000);
      }
    }
  }
}
