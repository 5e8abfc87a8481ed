/** A message of the comparison's set as it is published: the same bytes to each build. */
export type MessageKind =
  | 'event'
  | 'legacy'
  | 'edge'
  | 'redelivery'
  | 'conflict'
  | 'near-duplicate'
  | 'id-reuse'
  | 'invalid'
  | 'live';

export interface PlannedMessage {
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Kafka timestamp, epoch ms. */
  timestamp: number;
  kind: MessageKind;
}

/** FNV-1a of the key: a source's events stay on one partition, in order, as in Kafka. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % partitions;
}
