/**
 * The numbers of an engine's windows: blocks carved from a few large Float64Arrays, one block a
 * key (two for a sliding value key), instead of a JS array a key and a new one each time it
 * grows. One store serves all of the engine's rules.
 *
 * Why: a fresh engine creates 100,000 keys whose arrays grow 4, 8, 16 entries, and each size
 * lives until the key's next event, longer than a scavenge, so the GC copied every size once or
 * twice before it died: a third of a fresh engine's time (see docs/benchmarks.md). A typed
 * array's numbers are outside the JS heap: no scavenge copies them and no major GC marks them.
 *
 * Each chunk holds blocks of one length (a slab): a block a key outgrows goes back to its
 * length's free list, for the next key of that length of any rule, and once every key has
 * outgrown a length its chunks are empty and go to the spare chunks. Chunks of mixed lengths
 * kept a freed small block pinned by a live large one beside it: a fresh engine held 1.7x the
 * numbers its keys used. A store per rule, as there once was, left each rule's newest chunk of
 * each length partly uncarved: with 100 rules of 1,000 keys that was a fifth of the memory, and
 * it pushed a fresh engine's new array memory past the 64 MB at which V8 starts a major GC.
 *
 * The cost: a chunk stays while any of its blocks is in use (a spike of keys may leave chunks
 * held by a few keys each), and each length's newest chunk is partly uncarved (at most half of
 * what that length holds, as chunks double). A block of at least MAX_CHUNK numbers (a count
 * rule with a threshold in the tens of thousands) gets an array of its own, which the GC takes
 * back when the key lets it go.
 */

import { SpareChunks } from './spare-chunks';

/** The first chunk of a length: 16 blocks, and at least this many numbers (2 KiB). */
const FIRST_BLOCKS = 16;
const MIN_CHUNK = 256;
/** Chunks double up to this many numbers (512 KiB); longer blocks get an array of their own. */
const MAX_CHUNK = 65_536;

/**
 * Chunks no store uses, shared by every store of the process: up to 64 MiB (8 M numbers),
 * enough for the chunks a fresh engine of 100,000 keys empties as its keys grow.
 */
export const SPARE_CHUNKS = new SpareChunks(8 * 1024 * 1024);

/** The array of no block: a key holds it once it gave its block back. */
export const NO_BLOCK: Float64Array = new Float64Array(0);
export const NO_BLOCK_WORDS: Uint32Array = new Uint32Array(0);

/**
 * The same memory as 32-bit words, for what a number cannot hold bit for bit (a packed event id:
 * a NaN's bits may change on the way through a double).
 */
function wordsOf(cells: Float64Array): Uint32Array {
  return new Uint32Array(cells.buffer, cells.byteOffset, cells.length * 2);
}

/** An array blocks of one length are carved from, how many are in use, how many free. */
interface Chunk {
  readonly cells: Float64Array;
  readonly words: Uint32Array;
  live: number;
  freeEntries: number;
  /** Gone from the store: its entries left in the free list are stale and skipped. */
  dropped: boolean;
}

/** The blocks of one length: their free list (two stacks: no object per block) and chunks. */
interface Slab {
  readonly length: number;
  freeChunks: Chunk[];
  freeOffsets: number[];
  /** Entries of the free list whose chunk was dropped (the rest are reusable). */
  staleEntries: number;
  /** The chunk being carved, and how many of its numbers are handed out (from its start). */
  carving: Chunk | null;
  carved: number;
  nextChunkLength: number;
}

export class BlockStore {
  /**
   * The array the last allocate() returned an offset into: two results without an object
   * allocated per call, read right after it.
   */
  chunkOfLast: Float64Array = NO_BLOCK;
  /** `chunkOfLast` as 32-bit words: a number at index i is words 2i and 2i + 1. */
  wordsOfLast: Uint32Array = NO_BLOCK_WORDS;
  /** Every chunk with a block in use or free, by its array (what a key holds). */
  private readonly chunks = new Map<Float64Array, Chunk>();
  private readonly slabs = new Map<number, Slab>();

  /**
   * A block of `length` numbers: returns its offset in `chunkOfLast`. A reused block holds what
   * its last owner left: the caller writes every number before it reads it.
   */
  allocate(length: number): number {
    if (length === 0) {
      this.chunkOfLast = NO_BLOCK;
      this.wordsOfLast = NO_BLOCK_WORDS;
      return 0;
    }
    if (length >= MAX_CHUNK) {
      this.chunkOfLast = new Float64Array(length);
      this.wordsOfLast = wordsOf(this.chunkOfLast);
      return 0;
    }
    const slab = this.slabs.get(length) ?? this.newSlab(length);
    while (slab.freeOffsets.length > 0) {
      const reused = slab.freeChunks.pop()!;
      const at = slab.freeOffsets.pop()!;
      if (reused.dropped) {
        slab.staleEntries--;
        continue;
      }
      reused.freeEntries--;
      reused.live++;
      this.chunkOfLast = reused.cells;
      this.wordsOfLast = reused.words;
      return at;
    }
    let chunk = slab.carving;
    if (chunk === null || slab.carved + length > chunk.cells.length) {
      // The rest of the current chunk is shorter than a block and stays unused.
      // (A chunk is never retired empty: the last release of its blocks dropped it.)
      const cells = this.newChunk(slab);
      chunk = { cells, words: wordsOf(cells), live: 0, freeEntries: 0, dropped: false };
      this.chunks.set(chunk.cells, chunk);
      slab.carving = chunk;
      slab.carved = 0;
    }
    const at = slab.carved;
    slab.carved += length;
    chunk.live++;
    this.chunkOfLast = chunk.cells;
    this.wordsOfLast = chunk.words;
    return at;
  }

  /** Gives a block back; its owner must not touch it again. */
  release(cells: Float64Array, at: number, length: number): void {
    // An empty block is nothing; a block with an array of its own goes with the array.
    if (length === 0 || length >= MAX_CHUNK) return;
    const chunk = this.chunks.get(cells)!;
    const slab = this.slabs.get(length)!;
    if (--chunk.live === 0) {
      // Even the chunk being carved: once every key has outgrown a length, nothing of that
      // length stays held; the next block of it starts a chunk again.
      if (chunk === slab.carving) slab.carving = null;
      this.drop(slab, chunk);
      return;
    }
    slab.freeChunks.push(chunk);
    slab.freeOffsets.push(at);
    chunk.freeEntries++;
  }

  /** Numbers in the chunks: in use, free, or not yet carved (for tests and gauges). */
  get capacity(): number {
    let numbers = 0;
    for (const cells of this.chunks.keys()) numbers += cells.length;
    return numbers;
  }

  private newSlab(length: number): Slab {
    const slab: Slab = {
      length,
      freeChunks: [],
      freeOffsets: [],
      staleEntries: 0,
      carving: null,
      carved: 0,
      nextChunkLength: Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, FIRST_BLOCKS * length)),
    };
    this.slabs.set(length, slab);
    return slab;
  }

  /**
   * An array to carve the slab's blocks from: a spare one no longer than the one the slab would
   * allocate now (so a rule with a few keys does not take a chunk sized for thousands and leave
   * most of it uncarved), else a new one.
   */
  private newChunk(slab: Slab): Float64Array {
    const longest = slab.nextChunkLength;
    const spare = SPARE_CHUNKS.take(slab.length, longest);
    if (spare !== null) return spare;
    slab.nextChunkLength = Math.min(MAX_CHUNK, longest * 2);
    return new Float64Array(longest);
  }

  /**
   * Forgets an unused chunk. Its free blocks stay in the list, marked stale, until they are
   * popped or the list is compacted, once the stale entries outnumber the others: removing
   * them at each drop made releasing n blocks cost O(n^2).
   */
  private drop(slab: Slab, chunk: Chunk): void {
    this.chunks.delete(chunk.cells);
    SPARE_CHUNKS.put(chunk.cells);
    chunk.dropped = true;
    slab.staleEntries += chunk.freeEntries;
    chunk.freeEntries = 0;
    if (2 * slab.staleEntries > slab.freeOffsets.length) compact(slab);
  }
}

/** Removes the stale entries from a slab's free list. */
function compact(slab: Slab): void {
  let kept = 0;
  for (let i = 0; i < slab.freeChunks.length; i++) {
    if (slab.freeChunks[i].dropped) continue;
    slab.freeChunks[kept] = slab.freeChunks[i];
    slab.freeOffsets[kept] = slab.freeOffsets[i];
    kept++;
  }
  slab.freeChunks.length = kept;
  slab.freeOffsets.length = kept;
  slab.staleEntries = 0;
}
