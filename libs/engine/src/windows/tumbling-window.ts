import { Aggregate, MAX_INCIDENT_EVENT_IDS } from '@app/contracts';
import type { CompiledRule } from '../rules/compiled-rule';
import { CLOCK_FIELDS, KeyState } from '../keys/key-state';
import { WindowGeometry } from './key-window';
import { firstRingLengths } from './recent-events';
import { VALUE_WINDOW_EVENT_IDS } from './sliding-value-window';
import { aggregateOf, isValued } from './value-aggregate';

// The totals, in the key's block after its clocks.
const BUCKET = CLOCK_FIELDS;
const COUNT = CLOCK_FIELDS + 1;
const VALUED = CLOCK_FIELDS + 2;
const SUM = CLOCK_FIELDS + 3;
const MIN = CLOCK_FIELDS + 4;
const MAX = CLOCK_FIELDS + 5;
const TOTALS = 6;

/** Tumbling: buckets [kW, (k+1)W); the window at t is its bucket's start up to t. */
export class TumblingGeometry implements WindowGeometry {
  readonly windowMs: number;
  readonly idCapacity: number;
  /** The rings' lengths for a new key. */
  readonly firstTimes: number;
  readonly firstIds: number;

  constructor(
    windowSeconds: number,
    readonly aggregate: Aggregate,
    threshold: number,
  ) {
    this.windowMs = windowSeconds * 1000;
    this.idCapacity =
      aggregate === 'count'
        ? Math.min(Math.max(1, Math.floor(threshold) + 1), MAX_INCIDENT_EVENT_IDS)
        : VALUE_WINDOW_EVENT_IDS;
    [this.firstTimes, this.firstIds] = firstRingLengths(this.idCapacity, this.idCapacity);
  }

  bucketStart(t: number): number {
    return Math.floor(t / this.windowMs) * this.windowMs;
  }

  isLate(occurredAt: number, clock: number): boolean {
    return occurredAt < this.bucketStart(clock);
  }

  startAt(t: number): number {
    return this.bucketStart(t);
  }

  completeFrom(since: number): number {
    return Math.ceil(since / this.windowMs) * this.windowMs;
  }

  createKey(rule: CompiledRule, key: string, permanent: boolean): KeyState {
    return new TumblingWindow(rule, key, permanent);
  }
}

/** The key state, and so its recent events (the ids an incident reports), with its totals in front. */
class TumblingWindow extends KeyState {
  /** The rule's geometry, which made this key, as its own kind. */
  private readonly geometry = this.rule.geometry as TumblingGeometry;

  constructor(rule: CompiledRule, key: string, permanent: boolean) {
    // The front of the block, after the clocks: [bucket start, count, valued, sum, min, max].
    const geometry = rule.geometry as TumblingGeometry;
    super(rule, key, permanent, TOTALS, geometry.firstTimes, geometry.firstIds);
    const totals = this.cells;
    const at = this.at;
    totals[at + BUCKET] = -Infinity;
    totals[at + MIN] = Infinity;
    totals[at + MAX] = -Infinity;
  }

  add(occurredAt: number, id: string, value: number | null, clock: number): void {
    this.advanceTo(clock);
    const totals = this.cells;
    const at = this.at;
    totals[at + COUNT] += 1;
    if (isValued(value)) {
      totals[at + VALUED] += 1;
      totals[at + SUM] += value;
      if (value < totals[at + MIN]) totals[at + MIN] = value;
      if (value > totals[at + MAX]) totals[at + MAX] = value;
    }
    this.insert(occurredAt, id, this.geometry.idCapacity, this.geometry.idCapacity);
  }

  advanceTo(t: number): void {
    const bucket = this.geometry.bucketStart(t);
    const totals = this.cells;
    const at = this.at;
    if (bucket <= totals[at + BUCKET]) return;
    totals[at + BUCKET] = bucket;
    totals[at + COUNT] = 0;
    totals[at + VALUED] = 0;
    totals[at + SUM] = 0;
    totals[at + MIN] = Infinity;
    totals[at + MAX] = -Infinity;
    this.clear();
  }

  aggregate(): number | undefined {
    const totals = this.cells;
    const at = this.at;
    return aggregateOf(
      this.geometry.aggregate,
      totals[at + COUNT],
      totals[at + VALUED],
      totals[at + SUM],
      totals[at + MIN],
      totals[at + MAX],
    );
  }

  isEmpty(): boolean {
    return this.cells[this.at + COUNT] === 0;
  }

  nextChangeAt(): number {
    return this.cells[this.at + COUNT] > 0
      ? this.cells[this.at + BUCKET] + this.geometry.windowMs
      : Infinity;
  }

  newestEventIds(): string[] {
    return this.newestIds(this.geometry.idCapacity);
  }

  entryCount(): number {
    return 1 + this.size;
  }
}
