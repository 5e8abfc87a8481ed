/**
 * Arrays of numbers no block store uses any more, kept for the next store that needs a chunk.
 *
 * Why: a typed array's memory counts as V8's "external memory", and each time that grows by a
 * few tens of MB V8 runs a major GC, which marks the whole heap. A fresh engine's keys outgrow
 * their first blocks together, emptying whole chunks while new ones are needed for the larger
 * blocks: reusing the empty ones instead of allocating keeps the external memory, and the major
 * GCs it triggers, at what the keys hold (see docs/benchmarks.md).
 */
export class SpareChunks {
  /** By length: a handful of lengths, as stores double their chunks from the same first one. */
  private readonly byLength = new Map<number, Float64Array[]>();
  private numbers = 0;

  constructor(
    /** Numbers kept at most; beyond that a chunk goes to the GC. */
    private readonly maxNumbers: number,
  ) {}

  /** Keeps `chunk` for reuse, if there is room. Its numbers are left as they are. */
  put(chunk: Float64Array): void {
    if (this.numbers + chunk.length > this.maxNumbers) return;
    let chunks = this.byLength.get(chunk.length);
    if (chunks === undefined) this.byLength.set(chunk.length, (chunks = []));
    chunks.push(chunk);
    this.numbers += chunk.length;
  }

  /**
   * The longest kept chunk of `minLength` to `maxLength` numbers, or null. The caller's bound
   * is the chunk it would allocate itself: a rule with a few keys does not take a chunk sized
   * for thousands and leave most of it uncarved. Holds what its last user left.
   */
  take(minLength: number, maxLength: number): Float64Array | null {
    let best = -1;
    for (const length of this.byLength.keys()) {
      if (length >= minLength && length <= maxLength && length > best) best = length;
    }
    if (best < 0) return null;
    const chunks = this.byLength.get(best)!;
    const chunk = chunks.pop()!;
    if (chunks.length === 0) this.byLength.delete(best);
    this.numbers -= chunk.length;
    return chunk;
  }

  /** Numbers kept (for tests). */
  get size(): number {
    return this.numbers;
  }
}
