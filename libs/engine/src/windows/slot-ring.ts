import { Aggregate } from '@app/contracts';
import { newNumbers } from './exact-arrays';
import { isValued } from './value-aggregate';

// A slot is [slot number, accumulator(, valued count for avg)]: only what its aggregate
// needs, as packed doubles in one flat array (8 bytes a number). A slot holding only events
// without a value still counts: the window is not empty.
const SLOT = 0;
const ACC = 1;
const VALUED = 2;
/** The ring's first size: 4 rather than 2 saves one growth (see FIRST_LENGTH in recent-events.ts). */
const FIRST_SLOTS = 4;

/**
 * The non-empty slots of a sliding value window, oldest first, as a ring over one flat
 * array that doubles up to `maxSlots`: a new slot appends and an old one expires in O(1).
 */
export class SlotRing {
  private cells: number[] = EMPTY;
  /** Slots the cells hold (cells.length / stride), kept as an integer: no division per event. */
  private capacity = 0;
  private head = 0;
  private count = 0;

  constructor(private readonly layout: SlotLayout) {}

  get size(): number {
    return this.count;
  }

  oldestSlot(): number {
    return this.count > 0 ? this.cells[this.head * this.layout.stride + SLOT] : Infinity;
  }

  add(slot: number, value: number | null, maxSlots: number): void {
    const stride = this.layout.stride;
    // Find the slot from the newest end: in-order events land in the newest slot or after it.
    let position = this.count - 1;
    let at = this.indexOf(position);
    while (position >= 0 && this.cells[at + SLOT] > slot) {
      position--;
      at = at === 0 ? (this.capacity - 1) * stride : at - stride;
    }
    if (position < 0 || this.cells[at + SLOT] !== slot) {
      if (this.count === this.capacity)
        this.grow(Math.min(maxSlots, Math.max(FIRST_SLOTS, 2 * this.count)));
      at = this.openAfter(position);
      const cells = this.cells;
      cells[at + SLOT] = slot;
      cells[at + ACC] = this.layout.initial;
      if (stride > VALUED) cells[at + VALUED] = 0;
    }
    if (!isValued(value)) return;
    const cells = this.cells;
    if (this.layout.aggregate === 'min') {
      if (value < cells[at + ACC]) cells[at + ACC] = value;
    } else if (this.layout.aggregate === 'max') {
      if (value > cells[at + ACC]) cells[at + ACC] = value;
    } else {
      cells[at + ACC] += value;
      if (stride > VALUED) cells[at + VALUED] += 1;
    }
  }

  /** Drops slots numbered below `first`. */
  dropBefore(first: number): void {
    const stride = this.layout.stride;
    while (this.count > 0 && this.cells[this.head * stride + SLOT] < first) {
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.count--;
    }
  }

  /** sum/avg/min/max over the slots; undefined for avg/min/max of no value. */
  aggregate(): number | undefined {
    const { aggregate, stride } = this.layout;
    const cells = this.cells;
    const end = cells.length;
    let at = this.head * stride;
    let acc = this.layout.initial;
    let valued = 0;
    // One loop per aggregate: this runs on every applied event, over up to 60 slots.
    if (aggregate === 'min') {
      for (let left = this.count; left > 0; left--) {
        if (cells[at + ACC] < acc) acc = cells[at + ACC];
        at += stride;
        if (at === end) at = 0;
      }
      return acc === Infinity ? undefined : acc;
    }
    if (aggregate === 'max') {
      for (let left = this.count; left > 0; left--) {
        if (cells[at + ACC] > acc) acc = cells[at + ACC];
        at += stride;
        if (at === end) at = 0;
      }
      return acc === -Infinity ? undefined : acc;
    }
    for (let left = this.count; left > 0; left--) {
      acc += cells[at + ACC];
      if (stride > VALUED) valued += cells[at + VALUED];
      at += stride;
      if (at === end) at = 0;
    }
    if (aggregate !== 'avg') return acc;
    return valued > 0 ? acc / valued : undefined;
  }

  /** Array index of the slot at `position` (0 = oldest, count - 1 = newest; -1 gives garbage). */
  private indexOf(position: number): number {
    const slot = this.head + position;
    return (slot >= this.capacity ? slot - this.capacity : slot) * this.layout.stride;
  }

  /** Shifts the slots after `position` one place newer; returns the freed array index. */
  private openAfter(position: number): number {
    const stride = this.layout.stride;
    const cells = this.cells;
    let to = this.indexOf(this.count);
    for (let moving = this.count - 1; moving > position; moving--) {
      const from = to === 0 ? (this.capacity - 1) * stride : to - stride;
      for (let field = 0; field < stride; field++) cells[to + field] = cells[from + field];
      to = from;
    }
    this.count++;
    return to;
  }

  private grow(slots: number): void {
    const stride = this.layout.stride;
    const cells = newNumbers(slots * stride);
    for (let position = 0; position < this.count; position++) {
      const from = this.indexOf(position);
      for (let field = 0; field < stride; field++)
        cells[position * stride + field] = this.cells[from + field];
    }
    this.cells = cells;
    this.capacity = slots;
    this.head = 0;
  }
}

/** Per-rule: which accumulator a slot carries for its aggregate. */
export class SlotLayout {
  readonly stride: number;
  /** The accumulator of a slot with no value: the identity of the aggregate. */
  readonly initial: number;

  constructor(readonly aggregate: Aggregate) {
    this.stride = aggregate === 'avg' ? 3 : 2;
    this.initial = aggregate === 'min' ? Infinity : aggregate === 'max' ? -Infinity : 0;
  }
}

/** Of the same kind (doubles) as every array that replaces it: one map at each access. */
const EMPTY: number[] = newNumbers(0);
