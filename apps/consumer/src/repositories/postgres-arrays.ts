/**
 * PostgreSQL array parameters built for one statement per batch of thousands of rows, instead
 * of handing pg JavaScript arrays: pg turns an array into a text literal by quoting and
 * escaping every element with two regex replaces (a JSON payload is full of quotes), then
 * measures and copies the literal. For a batch of 7,700 events that was 4.5 µs of CPU per
 * event; the parameters below cost 0.65 (`node --expose-gc dist/bench/consumer-cpu.js`).
 *
 * - Text and jsonb go in PostgreSQL's binary array format (pg sends a Buffer parameter as
 *   binary): each element is its UTF-8 bytes behind a length, so nothing is escaped, and any
 *   text arrives exactly as it is.
 * - Values whose text cannot hold a quote or a backslash (uuids, numbers, ISO timestamps,
 *   Kafka offsets) go as a text literal joined natively. Strings are quoted, so a malformed
 *   one (a comma in an id) is refused by PostgreSQL instead of splitting into two elements.
 */

/** pg_type OIDs of the element types sent in binary. */
export const TEXT_OID = 25;
export const JSONB_OID = 3802;

/** jsonb's binary input: a version byte, then the JSON text. */
const JSONB_VERSION = 1;
/** ndim, has-nulls flag, element type, then for the one dimension its length and lower bound. */
const HEADER_BYTES = 20;
const NULL_LENGTH = -1;

/** A one-dimensional text[] (or jsonb[]) in PostgreSQL's binary format; null elements are NULL. */
export function binaryTextArray(
  values: readonly (string | null)[],
  elementOid: typeof TEXT_OID | typeof JSONB_OID = TEXT_OID,
): Buffer {
  const prefix = elementOid === JSONB_OID ? 1 : 0;
  // Sized for one byte a character (ASCII, the usual case); grown when a text needs more.
  let size = HEADER_BYTES;
  let hasNulls = 0;
  for (const value of values) {
    if (value === null) hasNulls = 1;
    size += 4 + (value === null ? 0 : prefix + value.length);
  }
  let buffer: Buffer = Buffer.allocUnsafe(size);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNulls, 4);
  buffer.writeInt32BE(elementOid, 8);
  buffer.writeInt32BE(values.length, 12);
  buffer.writeInt32BE(1, 16);
  let at = HEADER_BYTES;
  for (const value of values) {
    if (value === null) {
      // Multi-byte texts before it may have used the room the estimate left for its length.
      if (buffer.length - at < 4) buffer = grown(buffer, at, 4);
      buffer.writeInt32BE(NULL_LENGTH, at);
      at += 4;
      continue;
    }
    const room = buffer.length - at - 4 - prefix;
    // A UTF-16 code unit is at most 3 bytes: count the bytes only when that could overflow.
    if (room < value.length * 3) {
      const needed = Buffer.byteLength(value, 'utf8');
      if (needed > room) buffer = grown(buffer, at, needed + 4 + prefix);
    }
    if (prefix) buffer[at + 4] = JSONB_VERSION;
    const written = buffer.write(value, at + 4 + prefix, 'utf8');
    buffer.writeInt32BE(written + prefix, at);
    at += 4 + prefix + written;
  }
  return buffer.subarray(0, at);
}

function grown(buffer: Buffer, used: number, more: number): Buffer {
  const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + more));
  buffer.copy(larger, 0, 0, used);
  return larger;
}

/** An element of plainArrayLiteral that stands for SQL NULL. */
export const NULL_ELEMENT = 'NULL';

/** `{1,NULL,2.5}`: numbers (or NULL_ELEMENT), whose text needs no quotes. */
export const plainArrayLiteral = (elements: readonly (number | typeof NULL_ELEMENT)[]): string =>
  `{${elements.join(',')}}`;

/**
 * `{"a","b"}`: strings whose text holds neither a quote nor a backslash (uuids, ISO
 * timestamps, Kafka offsets), quoted so that a stray comma cannot split one in two.
 */
export const quotedArrayLiteral = (elements: readonly string[]): string =>
  elements.length === 0 ? '{}' : `{"${elements.join('","')}"}`;
