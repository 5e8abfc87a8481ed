import {
  binaryTextArray,
  JSONB_OID,
  NULL_ELEMENT,
  plainArrayLiteral,
  quotedArrayLiteral,
  TEXT_OID,
} from './postgres-arrays';

/** Reads PostgreSQL's binary array format back: header, then (length, bytes) per element. */
function readBinaryArray(buffer: Buffer) {
  const header = {
    dimensions: buffer.readInt32BE(0),
    hasNulls: buffer.readInt32BE(4),
    elementOid: buffer.readInt32BE(8),
    length: buffer.readInt32BE(12),
    lowerBound: buffer.readInt32BE(16),
  };
  const elements: Array<Buffer | null> = [];
  let at = 20;
  for (let i = 0; i < header.length; i++) {
    const size = buffer.readInt32BE(at);
    at += 4;
    if (size === -1) {
      elements.push(null);
      continue;
    }
    elements.push(buffer.subarray(at, at + size));
    at += size;
  }
  return { header, elements, trailing: buffer.length - at };
}

describe('binaryTextArray', () => {
  it('writes every text as its UTF-8 bytes, unescaped, behind its byte length', () => {
    const texts = ['a"b\\c', '{x,y}', 'NULL', '', 'é€😀', ' spaced '];
    const { header, elements, trailing } = readBinaryArray(binaryTextArray(texts));
    expect(header).toEqual({
      dimensions: 1,
      hasNulls: 0,
      elementOid: TEXT_OID,
      length: texts.length,
      lowerBound: 1,
    });
    expect(elements.map((e) => e!.toString('utf8'))).toEqual(texts);
    expect(trailing).toBe(0);
  });

  it('writes null as NULL and says the array has nulls', () => {
    const { header, elements } = readBinaryArray(binaryTextArray(['a', null, 'b']));
    expect(header.hasNulls).toBe(1);
    expect(elements.map((e) => e?.toString())).toEqual(['a', undefined, 'b']);
  });

  it('puts jsonb version 1 in front of each JSON text', () => {
    const json = ['{"k":"v\\"w"}', null, '"text"'];
    const { header, elements } = readBinaryArray(binaryTextArray(json, JSONB_OID));
    expect(header.elementOid).toBe(JSONB_OID);
    expect(elements[0]![0]).toBe(1);
    expect(elements.map((e) => e?.subarray(1).toString())).toEqual([json[0], undefined, json[2]]);
  });

  it('grows past its one-byte-a-character estimate for long multi-byte texts', () => {
    const texts = ['😀'.repeat(5_000), 'x', '€'.repeat(20_000), 'é'];
    const { elements, trailing } = readBinaryArray(binaryTextArray(texts, JSONB_OID));
    expect(elements.map((e) => e!.subarray(1).toString('utf8'))).toEqual(texts);
    expect(trailing).toBe(0);
  });

  it('keeps room for the NULLs after multi-byte texts used up the estimate', () => {
    // The estimate counts one byte a character; 'é' takes two, so after these the buffer is
    // full and each NULL's 4 bytes must grow it (the consumer stopped on such a batch).
    for (const prefix of [TEXT_OID, JSONB_OID] as const) {
      const texts = ['"é"', 'ééé', null, null, null];
      const { elements, trailing } = readBinaryArray(binaryTextArray(texts, prefix));
      const skip = prefix === JSONB_OID ? 1 : 0;
      expect(elements.map((e) => e?.subarray(skip).toString('utf8') ?? null)).toEqual(texts);
      expect(trailing).toBe(0);
    }
  });

  it('writes an empty array', () => {
    expect(readBinaryArray(binaryTextArray([])).header.length).toBe(0);
  });
});

describe('array literals', () => {
  it('joins numbers and NULL without quotes', () => {
    expect(plainArrayLiteral([1, NULL_ELEMENT, 2.5, -3, 1e21])).toBe('{1,NULL,2.5,-3,1e+21}');
    expect(plainArrayLiteral([])).toBe('{}');
  });

  it('quotes every string', () => {
    expect(quotedArrayLiteral(['2026-12-05T10:00:00.000Z', '42'])).toBe(
      '{"2026-12-05T10:00:00.000Z","42"}',
    );
    expect(quotedArrayLiteral([])).toBe('{}');
  });
});
