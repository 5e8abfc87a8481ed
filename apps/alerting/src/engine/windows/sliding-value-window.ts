import { Aggregate } from '@app/contracts';
import { KeyWindow, WindowGeometry } from './key-window';
import { RecentEvents } from './recent-events';
import { aggregateOf, isValued } from './value-aggregate';

/** Ids kept for an incident of a value rule: enough to show what drove it. */
export const VALUE_WINDOW_EVENT_IDS = 20;

// One slot is 6 numbers in a flat array: a packed double array costs 8 bytes a number.
const STRIDE = 6;
const SLOT = 0;
const COUNT = 1;
const VALUED = 2;
const SUM = 3;
const MIN = 4;
const MAX = 5;

/**
 * Sliding sum/avg/min/max in bounded memory: the window is cut into n slots
 * (n = 60 when the window's seconds divide by 3, else 50, so a slot is a whole number of
 * ms) and covers the n slots ending with the one holding t.
 */
export class SlidingValueGeometry implements WindowGeometry {
  readonly slotCount: number;
  readonly slotMs: number;

  constructor(
    windowSeconds: number,
    readonly aggregate: Aggregate,
  ) {
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

  createWindow(): KeyWindow {
    return new SlidingValueWindow(this);
  }
}

class SlidingValueWindow implements KeyWindow {
  /** Non-empty slots, oldest first. */
  private slots: number[] = [];
  private readonly recent = new RecentEvents();

  constructor(private readonly geometry: SlidingValueGeometry) {}

  add(occurredAt: number, id: string, value: number | null): void {
    const slot = this.geometry.slotOf(occurredAt);
    const slots = this.slots;
    let at = slots.length - STRIDE;
    while (at >= 0 && slots[at + SLOT] > slot) at -= STRIDE;
    if (at < 0 || slots[at + SLOT] !== slot) {
      at += STRIDE;
      slots.splice(at, 0, slot, 0, 0, 0, Infinity, -Infinity);
    }
    slots[at + COUNT] += 1;
    if (isValued(value)) {
      slots[at + VALUED] += 1;
      slots[at + SUM] += value;
      if (value < slots[at + MIN]) slots[at + MIN] = value;
      if (value > slots[at + MAX]) slots[at + MAX] = value;
    }
    this.recent.insert(occurredAt, id, VALUE_WINDOW_EVENT_IDS, VALUE_WINDOW_EVENT_IDS);
  }

  advanceTo(t: number): void {
    const first = this.geometry.firstSlotAt(t);
    let drop = 0;
    while (drop < this.slots.length && this.slots[drop + SLOT] < first) drop += STRIDE;
    if (drop > 0) this.slots.splice(0, drop);
    this.recent.dropBefore(first * this.geometry.slotMs);
  }

  aggregate(): number | undefined {
    const slots = this.slots;
    let count = 0;
    let valued = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let at = 0; at < slots.length; at += STRIDE) {
      count += slots[at + COUNT];
      valued += slots[at + VALUED];
      sum += slots[at + SUM];
      if (slots[at + MIN] < min) min = slots[at + MIN];
      if (slots[at + MAX] > max) max = slots[at + MAX];
    }
    return aggregateOf(this.geometry.aggregate, count, valued, sum, min, max);
  }

  isEmpty(): boolean {
    return this.slots.length === 0;
  }

  nextChangeAt(): number {
    if (this.slots.length === 0) return Infinity;
    return (this.slots[SLOT] + this.geometry.slotCount) * this.geometry.slotMs;
  }

  newestEventIds(): string[] {
    return this.recent.newestIds(VALUE_WINDOW_EVENT_IDS);
  }

  entryCount(): number {
    return this.slots.length / STRIDE + this.recent.size;
  }
}
