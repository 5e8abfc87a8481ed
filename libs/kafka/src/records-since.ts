import { Admin } from 'kafkajs';
import { PartitionOffset } from './consumer-lag';

/**
 * Records between two offsets per partition, summed. A partition missing from `to`, or a
 * `from` past `to` (a record appended between the two look-ups), counts nothing.
 */
export function recordsBetween(
  from: readonly PartitionOffset[],
  to: readonly PartitionOffset[],
): bigint {
  const ends = new Map(to.map((o) => [o.partition, BigInt(o.offset)]));
  let records = 0n;
  for (const { partition, offset } of from) {
    const end = ends.get(partition);
    const start = BigInt(offset);
    if (end !== undefined && end > start) records += end - start;
  }
  return records;
}

/**
 * Records of `topic` stamped at or after `sinceMs`, without reading one: per partition, the
 * first offset at that time (ListOffsets by timestamp, the log end when none is that new)
 * up to the log end. Exact for topics written without transactions (their offsets are all
 * records), as the product writes every topic.
 */
export async function countRecordsSince(
  admin: Admin,
  topic: string,
  sinceMs: number,
): Promise<bigint> {
  const [firstSince, ends] = await Promise.all([
    admin.fetchTopicOffsetsByTimestamp(topic, sinceMs),
    admin.fetchTopicOffsets(topic),
  ]);
  return recordsBetween(
    firstSince,
    ends.map(({ partition, high }) => ({ partition, offset: high })),
  );
}
