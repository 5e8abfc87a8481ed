/**
 * The ingest section of `npm run bench:gateway` (issue 19): what HTTP clients get from
 * `POST /api/events`, beside what a bare kafkajs producer gets from the same broker in the same
 * run, so that the gateway's rate reads as a ratio to what the broker and kafkajs allow at all
 * on this machine at this moment.
 */
import { Kafka, Message, Partitioners } from 'kafkajs';

/** The body of one HTTP event: what clients send (the gateway completes id and time). */
export function ingestEvent(client: number, n: number): Record<string, unknown> {
  return {
    type: `bench.ingest${n % 20}`,
    source: `source-${client}-${n % 100}`,
    severity: 'high',
    value: n % 1000,
    payload: { client, n, note: 'bench ingest event' },
  };
}

/** The same event as the gateway publishes it (version 1, every field resolved). */
function publishedEvent(client: number, n: number): Message {
  const event = ingestEvent(client, n);
  return {
    key: String(event.source),
    value: JSON.stringify({
      version: 1,
      id: crypto.randomUUID(),
      ...event,
      occurredAt: new Date().toISOString(),
    }),
  };
}

export interface RawReference {
  eventsPerSecond: number;
  batch: number;
}

/** Two measurements of the bare producer as one: their mean rate, and the second's. */
export function meanReference(
  before: RawReference | undefined,
  after: RawReference | undefined,
): (RawReference & { after: number }) | undefined {
  if (!before || !after) return undefined;
  return {
    eventsPerSecond: (before.eventsPerSecond + after.eventsPerSecond) / 2,
    batch: before.batch,
    after: after.eventsPerSecond,
  };
}

/**
 * A bare kafkajs producer as the gateway's (idempotent, one request in flight, acks from all
 * in-sync replicas, no compression) sending `batch` events per send back to back for `seconds`:
 * the ceiling for any Kafka writer in this process setting, measured in the same run.
 */
export async function rawProducerReference(
  kafka: Kafka,
  topic: string,
  seconds: number,
  batch: number,
): Promise<RawReference> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    let events = 0;
    const started = Date.now();
    const until = started + seconds * 1000;
    while (Date.now() < until) {
      const messages = Array.from({ length: batch }, (_, i) => publishedEvent(0, events + i));
      await producer.send({ topic, acks: -1, messages });
      events += batch;
    }
    const elapsed = (Date.now() - started) / 1000;
    return { eventsPerSecond: events / elapsed, batch };
  } finally {
    await producer.disconnect();
  }
}
