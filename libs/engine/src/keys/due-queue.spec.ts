import { Prng } from '../testing/prng';
import { DueQueue } from './due-queue';

interface Item {
  name: number;
  due: number;
  heapIndex: number;
}
const item = (name: number): Item => ({ name, due: Infinity, heapIndex: -1 });

describe('DueQueue', () => {
  it('pops exactly the items due at or before the limit, earliest first', () => {
    const queue = new DueQueue<Item>();
    const items = [5, 1, 4, 2, 3].map(item);
    for (const entry of items) queue.schedule(entry, entry.name * 10);
    expect(queue.popDue(30).map((entry) => entry.name)).toEqual([1, 2, 3]);
    expect(queue.size).toBe(2);
    expect(items[0].heapIndex).toBeGreaterThanOrEqual(0);
    expect(items[1].heapIndex).toBe(-1);
  });

  it('does not queue an item due at Infinity, and unqueues one rescheduled to Infinity', () => {
    const queue = new DueQueue<Item>();
    const a = item(1);
    queue.schedule(a, Infinity);
    expect(queue.size).toBe(0);
    queue.schedule(a, 10);
    queue.schedule(a, Infinity);
    expect(queue.size).toBe(0);
    expect(a.heapIndex).toBe(-1);
  });

  it('keeps heap order through random schedules, reschedules and removals', () => {
    const random = new Prng(7);
    const queue = new DueQueue<Item>();
    const items = Array.from({ length: 300 }, (_, i) => item(i));
    for (let step = 0; step < 5000; step++) {
      const target = random.pick(items);
      if (random.chance(0.2)) queue.remove(target);
      else queue.schedule(target, random.int(0, 1000));
    }
    const queued = items.filter((entry) => entry.heapIndex >= 0);
    expect(queue.size).toBe(queued.length);
    const popped = queue.popDue(Infinity);
    expect(popped.map((entry) => entry.due)).toEqual(
      queued.map((e) => e.due).sort((a, b) => a - b),
    );
    expect(queue.size).toBe(0);
  });
});
