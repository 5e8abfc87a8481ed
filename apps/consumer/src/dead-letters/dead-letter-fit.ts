import { DeadLetterHeader, DeadLetterRecord } from '@app/contracts';

/** A record batch's own header (v2): base offset, length, epoch, magic, CRC, ids, counts. */
const BATCH_OVERHEAD = 61;
/** Upper bound of one record's varints: length, attributes, deltas, key/value lengths, header count. */
const RECORD_OVERHEAD = 40;
/** Upper bound of one header's two length varints. */
const HEADER_OVERHEAD = 10;
/** The reason is kept readable, not whole, when even the headers do not fit. */
const SHORT_REASON = 1000;

/**
 * The dead letter cut down to fit a topic whose `max.message.bytes` is `maxBytes`: the
 * value is truncated (and says so in its headers, with the original size), so a record the
 * broker refuses as too large is still dead-lettered instead of retried for ever. If the
 * headers alone are too large, the producer's own headers go first, then the reasons are
 * shortened, then the key.
 */
export function fitDeadLetter(record: DeadLetterRecord, maxBytes: number): DeadLetterRecord {
  const originalSize = record.value?.length ?? 0;
  const marked = (headers: DeadLetterRecord['headers']) => ({
    ...headers,
    [DeadLetterHeader.Truncated]: 'true',
    [DeadLetterHeader.OriginalSize]: String(originalSize),
  });
  const candidates: DeadLetterRecord[] = [
    { ...record, headers: marked(record.headers) },
    { ...record, headers: marked(ourHeaders(record.headers)) },
    { ...record, headers: marked(shortened(ourHeaders(record.headers))) },
    { key: null, value: record.value, headers: marked(shortened(ourHeaders(record.headers))) },
  ];
  for (const candidate of candidates) {
    const room = maxBytes - sizeOf({ ...candidate, value: null });
    if (room >= 0) {
      const value = candidate.value && candidate.value.subarray(0, room);
      return { ...candidate, value };
    }
  }
  return { ...candidates[candidates.length - 1], value: Buffer.alloc(0) };
}

/** An upper bound of the bytes the broker counts against max.message.bytes for this record alone. */
export function sizeOf(record: DeadLetterRecord): number {
  let size = BATCH_OVERHEAD + RECORD_OVERHEAD + (record.key?.length ?? 0);
  size += record.value?.length ?? 0;
  for (const [name, value] of Object.entries(record.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      size += HEADER_OVERHEAD + Buffer.byteLength(name) + Buffer.byteLength(one);
    }
  }
  return size;
}

function ourHeaders(headers: DeadLetterRecord['headers']): DeadLetterRecord['headers'] {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('dlq.')));
}

function shortened(headers: DeadLetterRecord['headers']): DeadLetterRecord['headers'] {
  const reason = String(headers[DeadLetterHeader.Reason] ?? '');
  return {
    ...headers,
    [DeadLetterHeader.Reason]: reason.slice(0, SHORT_REASON),
    [DeadLetterHeader.Reasons]: JSON.stringify([reason.slice(0, SHORT_REASON)]),
  };
}
