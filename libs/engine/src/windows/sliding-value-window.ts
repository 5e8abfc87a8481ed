import { Aggregate } from '@app/contracts';
import type { CompiledRule } from '../rules/compiled-rule';
import { KeyState } from '../keys/key-state';
import { NO_BLOCK } from './block-store';
import { WindowGeometry } from './key-window';
import { firstRingLengths } from './recent-events';
import {
  addToSlot,
  dropSlotsBefore,
  oldestSlot,
  releaseSlots,
  SlotLayout,
  SlotRingFields,
  slotAggregate,
} from './slot-ring';

/** Ids kept for an incident of a value rule: enough to show what drove it. */
export const VALUE_WINDOW_EVENT_IDS = 20;
/** The recent events' rings for a new key. */
const [FIRST_TIMES, FIRST_IDS] = firstRingLengths(VALUE_WINDOW_EVENT_IDS, VALUE_WINDOW_EVENT_IDS);

/**
 * Sliding sum/avg/min/max in bounded memory: the window is cut into n slots
 * (n = 60 when the window's seconds divide by 3, else 50, so a slot is a whole number of
 * ms) and covers the n slots ending with the one holding t.
 */
export class SlidingValueGeometry implements WindowGeometry {
  readonly slotCount: number;
  readonly slotMs: number;
  readonly layout: SlotLayout;

  constructor(windowSeconds: number, aggregate: Aggregate) {
    this.layout = new SlotLayout(aggregate);
    this.slotCount = windowSeconds % 3 === 0 ? 60 : 50;
    this.slotMs = (windowSeconds * 1000) / this.slotCount;
  }

  slotOf(time: number): number {
    return Math.floor(time / this.slotMs);
  }

  /** The oldest slot in the window evaluated at `t`. */
  firstSlotAt(t: number): number {
    return this.slotOf(t) - this.slotCount + 1;
  }

  isLate(occurredAt: number, clock: number): boolean {
    return this.slotOf(occurredAt) <= this.slotOf(clock) - this.slotCount;
  }

  startAt(t: number): number {
    return this.firstSlotAt(t) * this.slotMs;
  }

  completeFrom(since: number): number {
    return (Math.ceil(since / this.slotMs) + this.slotCount - 1) * this.slotMs;
  }

  createKey(rule: CompiledRule, key: string, permanent: boolean): KeyState {
    return new SlidingValueWindow(rule, key, permanent);
  }
}

/**
 * The key state, and so its recent events (the ids an incident reports), and its slot ring's
 * fields (one object per key: see SlotRingFields).
 */
class SlidingValueWindow extends KeyState implements SlotRingFields {
  /** The rule's geometry, which made this key, as its own kind. */
  private readonly geometry = this.rule.geometry as SlidingValueGeometry;
  slotCells = NO_BLOCK;
  slotAt = 0;
  slotCapacity = 0;
  slotHead = 0;
  slotCount = 0;

  constructor(rule: CompiledRule, key: string, permanent: boolean) {
    super(rule, key, permanent, 0, FIRST_TIMES, FIRST_IDS);
  }

  add(occurredAt: number, id: string, value: number | null, clock: number): void {
    // Expire first: the ring never needs more than the n slots of the window.
    this.advanceTo(clock);
    const geometry = this.geometry;
    const slot = geometry.slotOf(occurredAt);
    addToSlot(this, geometry.layout, this.store, slot, value, geometry.slotCount);
    this.insert(occurredAt, id, VALUE_WINDOW_EVENT_IDS, VALUE_WINDOW_EVENT_IDS);
  }

  advanceTo(t: number): void {
    const first = this.geometry.firstSlotAt(t);
    dropSlotsBefore(this, this.geometry.layout, first);
    this.dropBefore(first * this.geometry.slotMs);
  }

  aggregate(): number | undefined {
    return slotAggregate(this, this.geometry.layout);
  }

  isEmpty(): boolean {
    return this.slotCount === 0;
  }

  nextChangeAt(): number {
    const geometry = this.geometry;
    return (oldestSlot(this, geometry.layout) + geometry.slotCount) * geometry.slotMs;
  }

  newestEventIds(): string[] {
    return this.newestIds(VALUE_WINDOW_EVENT_IDS);
  }

  entryCount(): number {
    return this.slotCount + this.size;
  }

  override release(): void {
    releaseSlots(this, this.geometry.layout, this.store);
    super.release();
  }
}
