const INITIAL_SLOTS = 16;

/**
 * The time fields of one rule's keys, a Float64Array column each, indexed by a key's slot.
 *
 * Why not fields of KeyState: V8 stores a number field that is not a small integer as a
 * separate heap object (a boxed double), so three timestamps per key were three objects the
 * garbage collector marked on every major GC, 300,000 of them with 100,000 keys. A column
 * holds them unboxed, in memory the collector does not scan.
 */
export class KeyClocks {
  maxOccurredAt = new Float64Array(INITIAL_SLOTS);
  lastSeen = new Float64Array(INITIAL_SLOTS);
  due = new Float64Array(INITIAL_SLOTS);
  /** When a `forSeconds` rule's condition began to hold for a key not yet firing; NaN: not pending. */
  pendingSince = new Float64Array(INITIAL_SLOTS);
  /** Slots given back by forgotten keys, reused before the columns grow. */
  private readonly released: number[] = [];
  private used = 0;

  /** A slot for a new key, with the clocks of a key that has seen nothing. */
  allocate(): number {
    const slot = this.released.length > 0 ? this.released.pop()! : this.used++;
    if (slot >= this.due.length) this.grow(this.due.length * 2);
    this.maxOccurredAt[slot] = -Infinity;
    this.lastSeen[slot] = -Infinity;
    this.due[slot] = Infinity;
    this.pendingSince[slot] = NaN;
    return slot;
  }

  /** The key of `slot` is forgotten: nothing may read the slot through it any more. */
  release(slot: number): void {
    this.released.push(slot);
  }

  /** Every key is forgotten (the columns keep their size for the keys to come). */
  releaseAll(): void {
    this.released.length = 0;
    this.used = 0;
  }

  private grow(slots: number): void {
    this.maxOccurredAt = grown(this.maxOccurredAt, slots);
    this.lastSeen = grown(this.lastSeen, slots);
    this.due = grown(this.due, slots);
    this.pendingSince = grown(this.pendingSince, slots);
  }
}

function grown(column: Float64Array<ArrayBuffer>, slots: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(slots);
  bigger.set(column);
  return bigger;
}
