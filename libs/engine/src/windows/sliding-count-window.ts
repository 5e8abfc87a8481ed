import { MAX_INCIDENT_EVENT_IDS } from '@app/contracts';
import type { CompiledRule } from '../rules/compiled-rule';
import { KeyState } from '../keys/key-state';
import { WindowGeometry } from './key-window';
import { firstRingLengths } from './recent-events';

/**
 * Sliding count, exact to the millisecond: events in (t - W, t]. Keeping the newest
 * K = floor(threshold) + 1 timestamps decides every operator: a count of K or more is
 * above the threshold whatever it is exactly, so the count is reported capped at K.
 */
export class SlidingCountGeometry implements WindowGeometry {
  readonly capacity: number;
  readonly idCapacity: number;
  /** The rings' lengths for a new key. */
  readonly firstTimes: number;
  readonly firstIds: number;

  constructor(
    readonly windowMs: number,
    threshold: number,
  ) {
    this.capacity = Math.max(1, Math.floor(threshold) + 1);
    this.idCapacity = Math.min(this.capacity, MAX_INCIDENT_EVENT_IDS);
    [this.firstTimes, this.firstIds] = firstRingLengths(this.capacity, this.idCapacity);
  }

  isLate(occurredAt: number, clock: number): boolean {
    return occurredAt <= clock - this.windowMs;
  }

  startAt(t: number): number {
    return t - this.windowMs;
  }

  completeFrom(since: number): number {
    return since + this.windowMs;
  }

  createKey(rule: CompiledRule, key: string, permanent: boolean): KeyState {
    return new SlidingCountWindow(rule, key, permanent);
  }
}

/** The events themselves are the window: one object per key. */
class SlidingCountWindow extends KeyState {
  /** The rule's geometry, which made this key, as its own kind. */
  private readonly geometry = this.rule.geometry as SlidingCountGeometry;

  constructor(rule: CompiledRule, key: string, permanent: boolean) {
    const geometry = rule.geometry as SlidingCountGeometry;
    super(rule, key, permanent, 0, geometry.firstTimes, geometry.firstIds);
  }

  add(occurredAt: number, id: string, _value: number | null, clock: number): void {
    // Expiring first keeps the same entries as after inserting: both keep the newest.
    this.advanceTo(clock);
    this.insert(occurredAt, id, this.geometry.capacity, this.geometry.idCapacity);
  }

  advanceTo(t: number): void {
    this.dropThrough(t - this.geometry.windowMs);
  }

  aggregate(): number {
    return this.size;
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  nextChangeAt(): number {
    return this.oldestTime() + this.geometry.windowMs;
  }

  newestEventIds(): string[] {
    return this.newestIds(this.geometry.idCapacity);
  }

  entryCount(): number {
    return this.size;
  }
}
