import { KEY_USE_RESOLUTION_MS, KeyUseBatch } from './key-usage';

const T0 = new Date('2026-12-06T08:00:00Z');
const after = (ms: number) => new Date(T0.getTime() + ms);

describe('KeyUseBatch', () => {
  it('notes a key once per minute, however many requests use it', () => {
    const batch = new KeyUseBatch();
    for (let i = 0; i < 100; i++) batch.note('key-a', after(i * 100));
    batch.note('key-b', after(5));
    expect(batch.take()).toEqual(
      new Map([
        ['key-a', T0],
        ['key-b', after(5)],
      ]),
    );
    batch.note('key-a', after(KEY_USE_RESOLUTION_MS - 1));
    expect(batch.take().size).toBe(0);
  });

  it('notes the key again a minute after its last noted use', () => {
    const batch = new KeyUseBatch();
    batch.note('key-a', T0);
    batch.take();
    batch.note('key-a', after(KEY_USE_RESOLUTION_MS));
    expect(batch.take()).toEqual(new Map([['key-a', after(KEY_USE_RESOLUTION_MS)]]));
  });

  it('keeps the uses of a failed write for the next one, unless newer ones came', () => {
    const batch = new KeyUseBatch();
    batch.note('key-a', T0);
    batch.note('key-b', T0);
    const failed = batch.take();
    batch.note('key-b', after(KEY_USE_RESOLUTION_MS));
    batch.putBack(failed);
    expect(batch.take()).toEqual(
      new Map([
        ['key-b', after(KEY_USE_RESOLUTION_MS)],
        ['key-a', T0],
      ]),
    );
  });
});
