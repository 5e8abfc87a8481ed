import { Aggregate } from '@app/contracts';
import { BlockStore, NO_BLOCK } from './block-store';
import {
  addToSlot,
  dropSlotsBefore,
  oldestSlot,
  SlotLayout,
  slotAggregate,
  SlotRingFields,
} from './slot-ring';

/** A ring's fields on their own, as a sliding value window holds them, and the calls on them. */
function ringOf(aggregate: Aggregate) {
  const layout = new SlotLayout(aggregate);
  const store = new BlockStore();
  const ring: SlotRingFields = {
    slotCells: NO_BLOCK,
    slotAt: 0,
    slotCapacity: 0,
    slotHead: 0,
    slotCount: 0,
  };
  return {
    get size() {
      return ring.slotCount;
    },
    oldestSlot: () => oldestSlot(ring, layout),
    add: (slot: number, value: number | null, maxSlots: number) =>
      addToSlot(ring, layout, store, slot, value, maxSlots),
    dropBefore: (first: number) => dropSlotsBefore(ring, layout, first),
    aggregate: () => slotAggregate(ring, layout),
  };
}

describe('slot ring functions', () => {
  it('merges events of one slot, keeps slots ordered when one arrives late, and wraps around', () => {
    const ring = ringOf('sum');
    for (const slot of [1, 2, 4]) ring.add(slot, 10, 4);
    ring.add(3, 1, 4); // out of order: lands between 2 and 4
    ring.add(4, 5, 4); // same slot: merged
    expect(ring.size).toBe(4);
    expect(ring.aggregate()).toBe(36);
    ring.dropBefore(3); // slots 1 and 2 leave
    ring.add(5, 100, 4);
    ring.add(6, 1000, 4); // the ring is full and wraps over the freed cells
    expect(ring.oldestSlot()).toBe(3);
    expect(ring.aggregate()).toBe(1 + 15 + 100 + 1000);
    ring.dropBefore(6);
    expect(ring.aggregate()).toBe(1000);
  });

  it('averages over valued events only and ignores null, NaN and Infinity', () => {
    const ring = ringOf('avg');
    ring.add(1, null, 60);
    expect(ring.aggregate()).toBeUndefined();
    ring.add(1, 2, 60);
    ring.add(2, NaN, 60);
    ring.add(2, Infinity, 60);
    ring.add(2, 5, 60);
    expect(ring.aggregate()).toBe(3.5);
    expect(ring.size).toBe(2);
  });

  it('takes min and max across slots, undefined with no value', () => {
    const min = ringOf('min');
    const max = ringOf('max');
    for (const ring of [min, max]) {
      ring.add(7, null, 60);
      expect(ring.aggregate()).toBeUndefined();
      [3, -2, 8].forEach((value, i) => ring.add(8 + i, value, 60));
    }
    expect(min.aggregate()).toBe(-2);
    expect(max.aggregate()).toBe(8);
    max.dropBefore(10);
    expect(max.aggregate()).toBe(8);
    min.dropBefore(10);
    expect(min.aggregate()).toBe(8);
  });
});
