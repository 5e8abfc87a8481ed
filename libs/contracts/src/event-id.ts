import { createHash, createHmac, randomUUID } from 'node:crypto';

/** Fixed namespace so the same name always gives the same id, on every host. */
const DEFAULT_NAMESPACE = Buffer.from('5b8e4f0c9d2a4e7fb3c16a0d8e2f4a17', 'hex');

/** The shortest EVENT_ID_SECRET accepted: shorter keys could be guessed offline. */
export const MIN_EVENT_ID_SECRET_LENGTH = 16;

/** RFC 4122 version-5 (SHA-1, name-based) UUID: public, anyone can compute it. */
export function uuidV5(name: string, namespace: Buffer = DEFAULT_NAMESPACE): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  return formatUuid(hash, 0x50);
}

/** Gives the id of an event published without one, from where it sits in Kafka. */
export type EventIdDeriver = (topic: string, partition: number, offset: string) => string;

/**
 * Ids for the events a service stores (consumer) or links to stored rows (alerting's
 * incidents): an HMAC-SHA-256 of topic/partition/offset under EVENT_ID_SECRET, as an RFC 9562
 * version-8 UUID. Deterministic, so a redelivery of the same message (after a crash or
 * rebalance) maps to the same row; keyed, so nobody without the secret can compute the id of
 * a future offset and claim it first with an event of their own (which would turn the real
 * event into a "duplicate"). Every service that derives ids must share the secret.
 */
export function keyedEventIds(secret: string): EventIdDeriver {
  if (secret.length < MIN_EVENT_ID_SECRET_LENGTH) {
    throw new Error(
      `the event id secret must be at least ${MIN_EVENT_ID_SECRET_LENGTH} characters long`,
    );
  }
  const key = Buffer.from(secret, 'utf8');
  return (topic, partition, offset) =>
    formatUuid(createHmac('sha256', key).update(`${topic}/${partition}/${offset}`).digest(), 0x80);
}

/**
 * For decoding an event that is only checked or is given an id of its own before it is
 * published (the gateway, the propagator): a random id, since the message's coordinates are
 * placeholders there.
 */
export const randomEventIds: EventIdDeriver = () => randomUUID();

/** The first 16 bytes of a digest with the version nibble and the RFC 4122 variant bits set. */
function formatUuid(digest: Buffer, version: number): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | version;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
