import { AlertRule } from '@app/contracts';
import { AlertEngine, EngineEvent, Transition } from '@app/engine';
import {
  BacktestSeries,
  SeriesPoint,
  seriesBucketEnds,
  seriesBucketSeconds,
  WorstKey,
} from './backtest-series';

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

export interface BacktestResult {
  /** The first `listLimit` incidents opened, in order. */
  incidents: BacktestIncident[];
  /** Every incident opened, listed or not. */
  counts: { incidents: number; resolved: number; open: number };
  /** Whether more incidents opened than are listed. */
  truncated: boolean;
  /** Events of group keys beyond the `maxKeys` tracked at once, not evaluated. */
  refusedEvents: number;
  /** The rule's aggregate over the range, of the key nearest to firing at each bucket end. */
  series: BacktestSeries;
}

/** The range a backtest replays, [from, to) in epoch ms. */
export interface BacktestRange {
  from: number;
  to: number;
}

/** As many group keys as alerting tracks per rule by default (ALERTING_MAX_KEYS_PER_RULE). */
export const BACKTEST_MAX_KEYS = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Replays stored events through the alerting app's own engine, with the clock set to each
 * event's time (and ticked before it, so "fewer than" rules fire on silence as they would
 * live), then applies the incident policy the alerting app applies: one incident per
 * crossing, none while one is open or within the cooldown after it resolved, resolved when
 * the condition clears if the rule auto-resolves. Only the first `listLimit` incidents are
 * kept (a busy rule over millions of events could open one per event); the rest are counted.
 * At most `maxKeys` group keys are tracked at once, as alerting does, so a range with millions
 * of distinct sources holds no more state than a live rule; the events refused are counted.
 *
 * In the same pass it samples the rule's aggregate at each bucket end of the series (before
 * the first event past it), for the key nearest to firing: sampling judges nothing, so the
 * incidents are those of a backtest that did not sample.
 */
export class Backtest {
  private readonly engine: AlertEngine;
  /** Open incidents by group key; null for one past the listing, known only to be open. */
  private readonly open = new Map<string, BacktestIncident | null>();
  private readonly quietUntil = new Map<string, number>();
  private readonly listed: BacktestIncident[] = [];
  private opened = 0;
  private resolved = 0;
  private refused = 0;
  private readonly bucketSeconds: number;
  /** The bucket ends still to sample, in order; `nextEnd` indexes the first of them. */
  private readonly bucketEnds: number[];
  private nextEnd = 0;
  private readonly points: SeriesPoint[] = [];
  eventsScanned = 0;

  constructor(
    private readonly rule: AlertRule,
    private readonly range: BacktestRange,
    private readonly listLimit = 1000,
    maxKeys = BACKTEST_MAX_KEYS,
  ) {
    this.engine = new AlertEngine({
      graceMs: 0,
      maxFutureSkewMs: Number.MAX_SAFE_INTEGER,
      idleKeyTtlMs: Number.MAX_SAFE_INTEGER,
      maxKeysPerRule: maxKeys,
    });
    // A backtest asks what the rule would have done over the range: its activation does not apply.
    this.engine.setRule({ ...rule, enabled: true, activeFrom: undefined }, range.from);
    this.bucketSeconds = seriesBucketSeconds(range.from, range.to);
    this.bucketEnds = seriesBucketEnds(range.from, range.to, this.bucketSeconds);
  }

  /** Events in time order, within the range. */
  offer(event: EngineEvent): void {
    this.eventsScanned++;
    // An event at a bucket's very end still counts in that bucket's value.
    this.sampleBefore(event.occurredAt);
    this.apply(this.engine.tick(event.occurredAt), event.occurredAt);
    const { transitions, outcomes } = this.engine.offer(event, event.occurredAt);
    for (const { outcome } of outcomes) if (outcome === 'refused') this.refused++;
    this.apply(transitions, event.occurredAt);
  }

  finish(): BacktestResult {
    const { to } = this.range;
    this.sampleBefore(Infinity);
    this.apply(this.engine.tick(to), to);
    return {
      incidents: this.listed,
      counts: {
        incidents: this.opened,
        resolved: this.resolved,
        open: this.opened - this.resolved,
      },
      truncated: this.opened > this.listed.length,
      refusedEvents: this.refused,
      series: { bucketSeconds: this.bucketSeconds, points: this.points },
    };
  }

  /** Samples every bucket end before `time` not sampled yet. */
  private sampleBefore(time: number): void {
    while (this.nextEnd < this.bucketEnds.length && this.bucketEnds[this.nextEnd] < time) {
      this.sample(this.bucketEnds[this.nextEnd++]);
    }
  }

  /**
   * The value of the key nearest to firing at `at`. A key whose window holds no event has no
   * value to show, unless the rule fires on an empty window (count or sum below a threshold):
   * then its 0 is exactly what opens the incident. No key with a value: null.
   */
  private sample(at: number): void {
    const { operator, threshold } = this.rule.condition;
    const worst = new WorstKey(operator, threshold);
    const emptyCounts = this.engine.holdsWhenEmpty(this.rule.id);
    this.engine.aggregatesAt(this.rule.id, at, (groupKey, value, windowEmpty) => {
      if (value !== undefined && (emptyCounts || !windowEmpty)) worst.offer(groupKey, value);
    });
    this.points.push({ at: iso(at), value: worst.value, groupKey: worst.groupKey });
  }

  private apply(transitions: readonly Transition[], at: number): void {
    for (const transition of transitions) {
      const isOpen = this.open.has(transition.groupKey);
      if (transition.firing) {
        if (isOpen || at < (this.quietUntil.get(transition.groupKey) ?? -Infinity)) continue;
        this.opened++;
        if (this.listed.length >= this.listLimit) {
          this.open.set(transition.groupKey, null);
          continue;
        }
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
        this.listed.push(incident);
      } else if (isOpen && this.rule.autoResolve) {
        const listed = this.open.get(transition.groupKey);
        if (listed) listed.resolvedAt = iso(at);
        this.resolved++;
        this.open.delete(transition.groupKey);
        this.quietUntil.set(transition.groupKey, at + this.rule.cooldownSeconds * 1000);
      }
    }
  }
}
