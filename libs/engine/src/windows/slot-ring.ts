import { Aggregate } from '@app/contracts';
import { BlockStore, NO_BLOCK } from './block-store';
import { isValued } from './value-aggregate';

// A slot is [slot number, accumulator(, valued count for avg)]: only what its aggregate
// needs, as doubles in one block of the engine's BlockStore (8 bytes a number). A slot holding
// only events without a value still counts: the window is not empty.
const SLOT = 0;
const ACC = 1;
const VALUED = 2;
/** The ring's first size: 4 rather than 2 saves one growth (see FIRST_LENGTH in recent-events.ts). */
const FIRST_SLOTS = 4;

/**
 * The state of a ring of the non-empty slots of a sliding value window, oldest first, over one
 * block that doubles up to `maxSlots` (a new block each time, the old one back to the store): a
 * new slot appends and an old one expires in O(1).
 *
 * Fields, not an object of its own: the window holds them (SlidingValueWindow implements this),
 * because a separate ring object was one more object per key for the GC and one more pointer
 * to follow, a likely cache miss, on every event. The functions below work on any holder.
 */
export interface SlotRingFields {
  /** The store's array that holds the ring's block, and where the block starts in it. */
  slotCells: Float64Array;
  slotAt: number;
  /** Slots the block holds (its length / stride), kept as an integer: no division per event. */
  slotCapacity: number;
  slotHead: number;
  slotCount: number;
}

export function oldestSlot(ring: SlotRingFields, layout: SlotLayout): number {
  return ring.slotCount > 0
    ? ring.slotCells[ring.slotAt + ring.slotHead * layout.stride + SLOT]
    : Infinity;
}

export function addToSlot(
  ring: SlotRingFields,
  layout: SlotLayout,
  store: BlockStore,
  slot: number,
  value: number | null,
  maxSlots: number,
): void {
  const stride = layout.stride;
  // Find the slot from the newest end: in-order events land in the newest slot or after it.
  // `at` counts from the block's start.
  let position = ring.slotCount - 1;
  let at = indexOf(ring, layout, position);
  while (position >= 0 && ring.slotCells[ring.slotAt + at + SLOT] > slot) {
    position--;
    at = at === 0 ? (ring.slotCapacity - 1) * stride : at - stride;
  }
  if (position < 0 || ring.slotCells[ring.slotAt + at + SLOT] !== slot) {
    if (ring.slotCount === ring.slotCapacity) {
      const slots = Math.min(maxSlots, Math.max(FIRST_SLOTS, 2 * ring.slotCount));
      grow(ring, layout, store, slots);
    }
    at = ring.slotAt + openAfter(ring, layout, position);
    const cells = ring.slotCells;
    cells[at + SLOT] = slot;
    cells[at + ACC] = layout.initial;
    if (stride > VALUED) cells[at + VALUED] = 0;
  } else at += ring.slotAt;
  // From here `at` is an index into the array.
  if (!isValued(value)) return;
  const cells = ring.slotCells;
  if (layout.aggregate === 'min') {
    if (value < cells[at + ACC]) cells[at + ACC] = value;
  } else if (layout.aggregate === 'max') {
    if (value > cells[at + ACC]) cells[at + ACC] = value;
  } else {
    cells[at + ACC] += value;
    if (stride > VALUED) cells[at + VALUED] += 1;
  }
}

/** Drops slots numbered below `first`. */
export function dropSlotsBefore(ring: SlotRingFields, layout: SlotLayout, first: number): void {
  const stride = layout.stride;
  const cells = ring.slotCells;
  while (ring.slotCount > 0 && cells[ring.slotAt + ring.slotHead * stride + SLOT] < first) {
    ring.slotHead = ring.slotHead + 1 === ring.slotCapacity ? 0 : ring.slotHead + 1;
    ring.slotCount--;
  }
}

/** sum/avg/min/max over the slots; undefined for avg/min/max of no value. */
export function slotAggregate(ring: SlotRingFields, layout: SlotLayout): number | undefined {
  const { aggregate, stride } = layout;
  const cells = ring.slotCells;
  const start = ring.slotAt;
  const end = start + ring.slotCapacity * stride;
  let at = start + ring.slotHead * stride;
  let acc = layout.initial;
  let valued = 0;
  // One loop per aggregate: this runs on every applied event, over up to 60 slots.
  if (aggregate === 'min') {
    for (let left = ring.slotCount; left > 0; left--) {
      if (cells[at + ACC] < acc) acc = cells[at + ACC];
      at += stride;
      if (at === end) at = start;
    }
    return acc === Infinity ? undefined : acc;
  }
  if (aggregate === 'max') {
    for (let left = ring.slotCount; left > 0; left--) {
      if (cells[at + ACC] > acc) acc = cells[at + ACC];
      at += stride;
      if (at === end) at = start;
    }
    return acc === -Infinity ? undefined : acc;
  }
  for (let left = ring.slotCount; left > 0; left--) {
    acc += cells[at + ACC];
    if (stride > VALUED) valued += cells[at + VALUED];
    at += stride;
    if (at === end) at = start;
  }
  if (aggregate !== 'avg') return acc;
  return valued > 0 ? acc / valued : undefined;
}

/**
 * Index from the block's start of the slot at `position` (0 = oldest, count - 1 = newest; -1
 * gives garbage).
 */
function indexOf(ring: SlotRingFields, layout: SlotLayout, position: number): number {
  const slot = ring.slotHead + position;
  return (slot >= ring.slotCapacity ? slot - ring.slotCapacity : slot) * layout.stride;
}

/** Shifts the slots after `position` one place newer; returns the freed index (from the block's start). */
function openAfter(ring: SlotRingFields, layout: SlotLayout, position: number): number {
  const stride = layout.stride;
  const cells = ring.slotCells;
  const base = ring.slotAt;
  let to = indexOf(ring, layout, ring.slotCount);
  for (let moving = ring.slotCount - 1; moving > position; moving--) {
    const from = to === 0 ? (ring.slotCapacity - 1) * stride : to - stride;
    for (let field = 0; field < stride; field++)
      cells[base + to + field] = cells[base + from + field];
    to = from;
  }
  ring.slotCount++;
  return to;
}

function grow(ring: SlotRingFields, layout: SlotLayout, store: BlockStore, slots: number): void {
  const stride = layout.stride;
  const at = store.allocate(slots * stride);
  const cells = store.chunkOfLast;
  const old = ring.slotCells;
  for (let position = 0; position < ring.slotCount; position++) {
    const from = ring.slotAt + indexOf(ring, layout, position);
    for (let field = 0; field < stride; field++)
      cells[at + position * stride + field] = old[from + field];
  }
  releaseSlots(ring, layout, store);
  ring.slotCells = cells;
  ring.slotAt = at;
  ring.slotCapacity = slots;
  ring.slotHead = 0;
}

/** Gives the ring's block back to the store: the ring must not be used again. */
export function releaseSlots(ring: SlotRingFields, layout: SlotLayout, store: BlockStore): void {
  store.release(ring.slotCells, ring.slotAt, ring.slotCapacity * layout.stride);
  ring.slotCells = NO_BLOCK;
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
