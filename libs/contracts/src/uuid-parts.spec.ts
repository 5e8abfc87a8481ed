import { randomUUID } from 'node:crypto';
import { decodeEventMessage } from './event-decoder';
import { randomEventIds } from './event-id';
import { packUuid, readUuidParts, unpackUuid } from './uuid-parts';

describe('uuid parts', () => {
  it('round-trips canonical UUIDs, including all-zero and all-f digits', () => {
    const ids = [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '0123abcd-4567-89ef-0a1b-2c3d4e5f6789',
      ...Array.from({ length: 1000 }, () => randomUUID()),
    ];
    const cells: number[] = [0, 0, 0, 0];
    for (const id of ids) {
      expect(packUuid(id, cells, 0)).toBe(true);
      expect(unpackUuid(cells, 0)).toBe(id);
    }
  });

  it('refuses anything else, so it is kept as written', () => {
    const cells = [7, 7, 7, 7];
    for (const text of [
      '',
      'e1',
      '0123ABCD-4567-89ef-0a1b-2c3d4e5f6789', // upper case would come back lower
      '0123abcd-4567-89ef-0a1b-2c3d4e5f678', // 35 characters
      '0123abcd-4567-89ef-0a1b-2c3d4e5f67890',
      '0123abcd+4567-89ef-0a1b-2c3d4e5f6789',
      '0123abcg-4567-89ef-0a1b-2c3d4e5f6789',
      '0123abcd-4567-89ef-0a1b-2c3d4e5f678\u00e9', // beyond ASCII
      '0123abcd-4567-89ef-0a1b-2c3d4e5f678-',
    ]) {
      expect(packUuid(text, cells, 0)).toBe(false);
    }
  });

  it('packs an id again, or another after it, to the same parts', () => {
    const first = '0123abcd-4567-89ef-0a1b-2c3d4e5f6789';
    const second = 'ffffffff-0000-1111-2222-333333333333';
    const cells: number[] = new Array(16).fill(0);
    // The same text as another string (as each parsed message holds its own), then the same one.
    for (const [id, at] of [
      [first, 0],
      [JSON.parse(JSON.stringify(first)) as string, 4],
      [second, 8],
      [first, 12],
    ] as const) {
      expect(packUuid(id, cells, at)).toBe(true);
    }
    expect(unpackUuid(cells, 0)).toBe(first);
    expect(cells.slice(4, 8)).toEqual(cells.slice(0, 4));
    expect(unpackUuid(cells, 8)).toBe(second);
    expect(cells.slice(12, 16)).toEqual(cells.slice(0, 4));
    // A refused text in between leaves the last packed id as it was.
    expect(packUuid('e1', cells, 0)).toBe(false);
    expect(packUuid(second, cells, 0)).toBe(true);
    expect(unpackUuid(cells, 0)).toBe(second);
  });

  it('refuses an empty text as the very first one it sees', () => {
    jest.isolateModules(() => {
      // A module of its own: nothing packed yet.
      const fresh = jest.requireActual<typeof import('./uuid-parts')>('./uuid-parts');
      expect(fresh.packUuid('', [7, 7, 7, 7], 0)).toBe(false);
    });
  });

  it('refuses a wrong character at any one position, and writes nothing', () => {
    const valid = '0123abcd-4567-89ef-0a1b-2c3d4e5f6789';
    const dashes = new Set([8, 13, 18, 23]);
    for (let position = 0; position < valid.length; position++) {
      // Not a digit where one belongs (ASCII, beyond Latin-1, half a surrogate pair), or a
      // digit where a dash belongs.
      const wrong = dashes.has(position) ? ['0'] : ['g', 'A', '\u0660', '\ud83d'];
      for (const character of wrong) {
        const text = valid.slice(0, position) + character + valid.slice(position + 1);
        const cells = [7, 7, 7, 7];
        expect(packUuid(text, cells, 0)).toBe(false);
        expect(cells).toEqual([7, 7, 7, 7]);
      }
    }
  });
});

describe('an id the event decoder accepted', () => {
  const message = (id: string) => ({
    topic: 'events',
    partition: 0,
    offset: '1',
    key: null,
    value: Buffer.from(
      JSON.stringify({ id, type: 'a.b', source: 's', occurredAt: '2026-12-07T10:00:00.000Z' }),
    ),
    timestamp: '0',
  });
  const limits = { maxMessageBytes: 4096, maxPayloadBytes: 1024 };

  afterEach(() => jest.restoreAllMocks());

  it('packs without its characters being read again', () => {
    const decoded = decodeEventMessage(message(randomUUID()), limits, randomEventIds);
    if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
    const reads = jest.spyOn(String.prototype, 'charCodeAt');
    const cells = [0, 0, 0, 0];
    expect(packUuid(decoded.event.id, cells, 0)).toBe(true);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect(unpackUuid(cells, 0)).toBe(decoded.event.id);
  });

  it('is read as it is: an upper-case id is lowered first, and its lowered text packs unread', () => {
    const upper = '0123ABCD-4567-89EF-0A1B-2C3D4E5F6789';
    const decoded = decodeEventMessage(message(upper), limits, randomEventIds);
    if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
    expect(decoded.event.id).toBe(upper.toLowerCase());
    const reads = jest.spyOn(String.prototype, 'charCodeAt');
    const cells = [0, 0, 0, 0];
    expect(packUuid(decoded.event.id, cells, 0)).toBe(true);
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect(unpackUuid(cells, 0)).toBe(upper.toLowerCase());
    expect(readUuidParts(upper)).toBe(false);
  });
});
