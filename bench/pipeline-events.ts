/** The events every pipeline run publishes: one generator, so the reference lines copy the same rows. */
import { randomUUID } from 'node:crypto';
import { Message, Producer } from 'kafkajs';
import { DEFAULT_TOPIC_SPECS, EventV1, Topic } from '@app/contracts';
import { publish } from './support';

const TYPES = [
  'payment.exception',
  'login.failure',
  'user-service.exception',
  'order.created',
  'http.5xx',
];
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** A realistic event stamped now, so row latency = received_at - occurred_at. */
export function pipelineEvent(index: number, type?: string) {
  const source = `client-${index % 50}`;
  return {
    id: randomUUID(),
    type: type ?? TYPES[index % TYPES.length],
    source,
    severity: SEVERITIES[index % SEVERITIES.length],
    occurredAt: new Date().toISOString(),
    value: index % 5 === 0 ? index % 100 : undefined,
    payload: { orderId: `A-${index}`, message: 'card declined by issuer', attempt: index % 5 },
  } satisfies EventV1;
}

/** The event as its Kafka message, keyed by source like the propagator's. */
export function eventMessage(index: number, type?: string): Message {
  const event = pipelineEvent(index, type);
  return { key: event.source, value: JSON.stringify(event) };
}

const PARTITIONS = DEFAULT_TOPIC_SPECS[Topic.Events].partitions;

/** Where event `index` could sit in the events topic: for rows made without a broker. */
export const kafkaPositionOf = (index: number) => ({
  partition: index % PARTITIONS,
  offset: Math.floor(index / PARTITIONS),
});

/** Publishes `count` events of the realistic mix (or all of one `type`), optionally paced. */
export function publishEvents(
  producer: Producer,
  topic: string,
  count: number,
  ratePerSecond = 0,
  type?: string,
): Promise<number> {
  return publish(producer, topic, count, (index) => eventMessage(index, type), ratePerSecond);
}
