import { createHash } from 'node:crypto';

/** Fixed namespace so the same Kafka coordinates always give the same id, on every host. */
const EVENT_ID_NAMESPACE = Buffer.from('5b8e4f0c9d2a4e7fb3c16a0d8e2f4a17', 'hex');

/** RFC 4122 version-5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: Buffer = EVENT_ID_NAMESPACE): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * An event published without an id gets one derived from where it sits in Kafka, so a
 * redelivery of the same message (after a crash or rebalance) maps to the same row.
 */
export function deriveEventId(topic: string, partition: number, offset: string): string {
  return uuidV5(`${topic}/${partition}/${offset}`);
}
