/** Something the queue can hold: it records its own due time and heap position. */
export interface Schedulable {
  due: number;
  heapIndex: number;
}

/**
 * A binary min-heap on `due` where every item knows its position, so rescheduling or
 * removing one key is O(log n) and a tick only touches keys that are due.
 */
export class DueQueue<T extends Schedulable> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** Sets the item's due time; an item due at Infinity is simply not queued. */
  schedule(item: T, due: number): void {
    if (due === Infinity) {
      this.remove(item);
      item.due = Infinity;
      return;
    }
    const previous = item.due;
    item.due = due;
    if (item.heapIndex < 0) {
      item.heapIndex = this.heap.length;
      this.heap.push(item);
      this.siftUp(item.heapIndex);
    } else if (due < previous) {
      this.siftUp(item.heapIndex);
    } else if (due > previous) {
      this.siftDown(item.heapIndex);
    }
  }

  remove(item: T): void {
    const index = item.heapIndex;
    if (index < 0) return;
    const last = this.heap.pop()!;
    item.heapIndex = -1;
    if (last === item) return;
    this.heap[index] = last;
    last.heapIndex = index;
    this.siftDown(index);
    this.siftUp(last.heapIndex);
  }

  /** Removes and returns every item due at or before `limit`. */
  popDue(limit: number, max = Infinity): T[] {
    const due: T[] = [];
    while (due.length < max && this.hasDue(limit)) {
      const top = this.heap[0];
      this.remove(top);
      due.push(top);
    }
    return due;
  }

  hasDue(limit: number): boolean {
    return this.heap.length > 0 && this.heap[0].due <= limit;
  }

  clear(): void {
    for (const item of this.heap) item.heapIndex = -1;
    this.heap.length = 0;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const item = heap[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent.due <= item.due) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.heapIndex = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const item = heap[index];
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && heap[child + 1].due < heap[child].due) child++;
      if (heap[child].due >= item.due) break;
      heap[index] = heap[child];
      heap[index].heapIndex = index;
      index = child;
    }
    heap[index] = item;
    item.heapIndex = index;
  }
}
