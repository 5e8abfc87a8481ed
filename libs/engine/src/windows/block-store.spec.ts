import { BlockStore, NO_BLOCK, SPARE_CHUNKS } from './block-store';

/** A block as its owner holds it. */
function take(store: BlockStore, length: number) {
  const at = store.allocate(length);
  return { cells: store.chunkOfLast, at, length };
}

describe('BlockStore', () => {
  // The spare chunks are the process's: empty them, so each test starts from new arrays.
  beforeEach(() => {
    while (SPARE_CHUNKS.take(1, Infinity) !== null);
  });

  it('hands out blocks that do not overlap, from a few shared arrays', () => {
    const store = new BlockStore();
    const blocks = Array.from({ length: 300 }, (_, i) => take(store, 4 + (i % 3) * 8));
    blocks.forEach((block, i) => block.cells.fill(i, block.at, block.at + block.length));
    blocks.forEach((block, i) => {
      for (let n = block.at; n < block.at + block.length; n++) expect(block.cells[n]).toBe(i);
    });
    expect(new Set(blocks.map((block) => block.cells)).size).toBeLessThan(10);
  });

  it('reuses a released block for the next block of the same length', () => {
    const store = new BlockStore();
    const kept = take(store, 8);
    const released = take(store, 8);
    store.release(released.cells, released.at, 8);
    expect(take(store, 16).at).not.toBe(released.at);
    const reused = take(store, 8);
    expect([reused.cells, reused.at]).toEqual([released.cells, released.at]);
    expect(reused.at).not.toBe(kept.at);
  });

  it('gives a chunk back to the GC once none of its blocks is in use', () => {
    const store = new BlockStore();
    // Keys growing 4 -> 16 numbers, as a fresh rule's keys do: the chunks of first blocks
    // (each length has its own, doubling from 256 numbers) go once every key has outgrown its
    // own, the one still being carved too.
    const first = Array.from({ length: 2000 }, () => take(store, 4));
    const grown = first.map(() => take(store, 16));
    const before = store.capacity;
    for (const block of first) store.release(block.cells, block.at, 4);
    expect(before - store.capacity).toBe(256 + 512 + 1024 + 2048 + 4096 + 8192);
    for (const block of grown) store.release(block.cells, block.at, 16);
    expect(store.capacity).toBe(0);
    // A dropped chunk's free blocks are not handed out again: the chunk itself is, whole, as
    // the next chunk of any store.
    const dropped = new Set([...first, ...grown].map((block) => block.cells));
    dropped.delete(take(store, 4).cells);
    const reused = take(new BlockStore(), 4);
    expect(dropped.has(reused.cells)).toBe(true);
    expect(reused.at).toBe(0);
  });

  it('gives its chunks to the next store once all its blocks are released', () => {
    const store = new BlockStore();
    const block = take(store, 8);
    store.release(block.cells, block.at, 8);
    expect(store.capacity).toBe(0);
    expect(take(new BlockStore(), 8).cells).toBe(block.cells);
  });

  it('gives a block of a chunk or more an array of its own', () => {
    const store = new BlockStore();
    const big = take(store, 100_000);
    expect(big.at).toBe(0);
    expect(big.cells.length).toBe(100_000);
    store.release(big.cells, big.at, big.length);
    expect(take(store, 100_000).cells).not.toBe(big.cells);
    expect(store.capacity).toBe(0);
  });

  it('has nothing to give for an empty block, and holds no chunk for it', () => {
    const store = new BlockStore();
    expect(take(store, 0).cells).toBe(NO_BLOCK);
    store.release(NO_BLOCK, 0, 0);
    expect(store.capacity).toBe(0);
  });

  it('releases blocks in any order: a chunk goes once all its blocks are back, and they with it', () => {
    const store = new BlockStore();
    const blocks = Array.from({ length: 80_000 }, () => take(store, 48));
    // Every other block first, so each chunk empties only in the second half.
    const order = [...blocks.filter((_, i) => i % 2 === 0), ...blocks.filter((_, i) => i % 2)];
    for (const block of order) store.release(block.cells, block.at, 48);
    expect(store.capacity).toBe(0);
    // The free list still names blocks of chunks that went: the next block is not one of them.
    const next = take(store, 48);
    const chunks = (store as unknown as { chunks: Map<Float64Array, unknown> }).chunks;
    expect(chunks.has(next.cells)).toBe(true);
  });
});
