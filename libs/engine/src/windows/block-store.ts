/**
 * The numbers of one rule's windows: blocks carved from a few large Float64Arrays, one block a
 * key (two for a sliding value key), instead of a JS array a key and a new one each time it
 * grows.
 *
 * Why: a fresh engine creates 100,000 keys whose arrays grow 4, 8, 16 entries, and each size
 * lives until the key's next event, longer than a scavenge, so the GC copied every size once or
 * twice before it died: a third of a fresh engine's time (see docs/benchmarks.md). A typed
 * array's numbers are outside the JS heap: no scavenge copies them and no major GC marks them,
 * and a block a key outgrows goes back to a free list its rule's next key of that size reuses.
 *
 * The cost: a freed block waits for a key of its rule that needs that length, so a rule's memory
 * can be more than its keys hold, up to that of its largest number of keys at once; a chunk
 * none of whose blocks is in use goes to the spare chunks, for any rule's next chunk. A block of at least MAX_CHUNK numbers (a
 * count rule with a threshold in the tens of thousands) gets an array of its own, which the GC
 * takes back when the key lets it go.
 */

import { SpareChunks } from './spare-chunks';

/** The first chunk's length in numbers (8 KiB): a rule with a few keys stays small. */
const FIRST_CHUNK = 1024;
/** Chunks double up to this many numbers (512 KiB); longer blocks get an array of their own. */
const MAX_CHUNK = 65_536;

/**
 * Chunks no store uses, shared by every store of the process: up to 64 MiB (8 M numbers),
 * enough for the chunks a fresh engine of 100,000 keys empties as its keys grow.
 */
export const SPARE_CHUNKS = new SpareChunks(8 * 1024 * 1024);

/** The array of no block: a key holds it once it gave its block back. */
export const NO_BLOCK: Float64Array = new Float64Array(0);

/** An array blocks are carved from, how many of them are in use, and how many are free. */
interface Chunk {
  readonly cells: Float64Array;
  live: number;
  freeEntries: number;
  /** Gone from the store: its entries left in the free lists are stale and skipped. */
  dropped: boolean;
}

/** Stale free-list entries tolerated before the lists are compacted (see drop()). */
const MIN_STALE_TO_COMPACT = 1024;

/** Released blocks of one length, as two stacks (an object per block would be a GC object). */
interface FreeBlocks {
  chunks: Chunk[];
  offsets: number[];
}

export class BlockStore {
  /**
   * The array the last allocate() returned an offset into: two results without an object
   * allocated per call, read right after it.
   */
  chunkOfLast: Float64Array = NO_BLOCK;
  /** The chunk being carved, and how many of its numbers are handed out (from its start). */
  private carving: Chunk | null = null;
  private carved = 0;
  private nextChunkLength = FIRST_CHUNK;
  /** Every chunk with a block in use or free, by its array (what a key holds). */
  private readonly chunks = new Map<Float64Array, Chunk>();
  private readonly free = new Map<number, FreeBlocks>();
  /** Entries in the free lists of chunks in the store, and of dropped ones. */
  private freeEntries = 0;
  private staleEntries = 0;

  /**
   * A block of `length` numbers: returns its offset in `chunkOfLast`. A reused block holds what
   * its last owner left: the caller writes every number before it reads it.
   */
  allocate(length: number): number {
    if (length === 0) {
      this.chunkOfLast = NO_BLOCK;
      return 0;
    }
    if (length >= MAX_CHUNK) {
      this.chunkOfLast = new Float64Array(length);
      return 0;
    }
    const free = this.free.get(length);
    if (free !== undefined) {
      while (free.offsets.length > 0) {
        const reused = free.chunks.pop()!;
        const at = free.offsets.pop()!;
        if (reused.dropped) {
          this.staleEntries--;
          continue;
        }
        reused.freeEntries--;
        this.freeEntries--;
        reused.live++;
        this.chunkOfLast = reused.cells;
        return at;
      }
    }
    let chunk = this.carving;
    if (chunk === null || this.carved + length > chunk.cells.length) {
      // The rest of the current chunk is too short and stays unused: less than one block.
      const retired = chunk;
      chunk = { cells: this.newChunk(length), live: 0, freeEntries: 0, dropped: false };
      this.chunks.set(chunk.cells, chunk);
      this.carving = chunk;
      this.carved = 0;
      if (retired !== null && retired.live === 0) this.drop(retired);
    }
    const at = this.carved;
    this.carved += length;
    chunk.live++;
    this.chunkOfLast = chunk.cells;
    return at;
  }

  /** Gives a block back; its owner must not touch it again. */
  release(cells: Float64Array, at: number, length: number): void {
    // An empty block is nothing; a block with an array of its own goes with the array.
    if (length === 0 || length >= MAX_CHUNK) return;
    const chunk = this.chunks.get(cells)!;
    // A chunk none of whose blocks is in use goes to the spare chunks: when every key of a
    // rule has outgrown its first block, the chunks of first blocks would otherwise stay.
    if (--chunk.live === 0 && chunk !== this.carving) {
      this.drop(chunk);
      return;
    }
    let free = this.free.get(length);
    if (free === undefined) this.free.set(length, (free = { chunks: [], offsets: [] }));
    free.chunks.push(chunk);
    free.offsets.push(at);
    chunk.freeEntries++;
    this.freeEntries++;
  }

  /** Numbers in the chunks: in use, free, or not yet carved (for tests and gauges). */
  get capacity(): number {
    let numbers = 0;
    for (const chunk of this.chunks.keys()) numbers += chunk.length;
    return numbers;
  }

  /** Gives every chunk to the spare ones: the store and all its blocks are done with. */
  dispose(): void {
    for (const cells of this.chunks.keys()) SPARE_CHUNKS.put(cells);
    this.chunks.clear();
    this.free.clear();
    this.freeEntries = 0;
    this.staleEntries = 0;
    this.carving = null;
  }

  /** An array to carve blocks of `length` from: a spare one if one is long enough. */
  private newChunk(length: number): Float64Array {
    const spare = SPARE_CHUNKS.take(length);
    if (spare !== null) return spare;
    const cells = new Float64Array(Math.max(this.nextChunkLength, length));
    this.nextChunkLength = Math.min(MAX_CHUNK, this.nextChunkLength * 2);
    return cells;
  }

  /**
   * Forgets an unused chunk. Its free blocks stay in the lists, marked stale, until they are
   * popped or the lists are compacted, once the stale entries outnumber the others: scanning
   * every list at each drop made releasing n blocks cost O(n^2).
   */
  private drop(chunk: Chunk): void {
    this.chunks.delete(chunk.cells);
    SPARE_CHUNKS.put(chunk.cells);
    chunk.dropped = true;
    this.staleEntries += chunk.freeEntries;
    this.freeEntries -= chunk.freeEntries;
    chunk.freeEntries = 0;
    if (this.staleEntries > Math.max(MIN_STALE_TO_COMPACT, this.freeEntries)) this.compact();
  }

  /** Removes the stale entries from the free lists, and the lists left empty. */
  private compact(): void {
    for (const [length, free] of this.free) {
      let kept = 0;
      for (let i = 0; i < free.chunks.length; i++) {
        if (free.chunks[i].dropped) continue;
        free.chunks[kept] = free.chunks[i];
        free.offsets[kept] = free.offsets[i];
        kept++;
      }
      free.chunks.length = kept;
      free.offsets.length = kept;
      if (kept === 0) this.free.delete(length);
    }
    this.staleEntries = 0;
  }
}
