/** The consumer as people first write it: one message, one statement, autocommit. */
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DEFAULT_EVENT_LIMITS, decodeStorableEvent, keyedEventIds, Topic } from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import { ensureTopics } from '@app/kafka';
import {
  EventBatchRepository,
  persistableEvent,
} from '../../apps/consumer/src/repositories/event-batch.repository';
import { createScratchDatabase } from '../../tools/infra/scratch-database';
import { publishEvents } from '../pipeline-events';
import { ReferenceRate, referenceRate } from './reference-rate';

export interface NaiveBaselineOptions {
  serverUrl: string;
  prefix: string;
  eventIdSecret: string;
  events: number;
}

/** Publishes `events` to a topic of its own, then stores them one INSERT per message. */
export async function naiveBaseline(
  kafka: Kafka,
  producer: Producer,
  options: NaiveBaselineOptions,
): Promise<ReferenceRate> {
  const { prefix, events } = options;
  const topic = `${prefix}naive-events`;
  // Same partitions as the events topic, so both consumers have the same parallelism.
  await ensureTopics(kafka, [Topic.Events], { prefix, names: { [Topic.Events]: topic } });
  await publishEvents(producer, topic, events);

  const db = await createScratchDatabase(options.serverUrl, 'naive');
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: db.url, poolSize: 5 }),
    logging: false,
  });
  await dataSource.initialize();
  // The same SQL as the real consumer, so only the batching differs.
  const repository = new EventBatchRepository(dataSource);
  const eventIds = keyedEventIds(options.eventIdSecret);
  const consumer = kafka.consumer({ groupId: `${prefix}naive` });
  let stored = 0;
  let started = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ partition, message }) => {
        started ||= Date.now();
        const decoded = decodeStorableEvent(
          {
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            timestamp: message.timestamp,
          },
          DEFAULT_EVENT_LIMITS,
          eventIds,
        );
        if (decoded.ok) {
          // Awaited first: `stored += await ...` would read `stored` before the await and lose
          // increments made meanwhile by the other partitions.
          const inserted = await repository.insertBatch([
            persistableEvent(
              decoded.event,
              partition,
              message.offset,
              decoded.payloadJson,
              decoded.occurredAtIso,
            ),
          ]);
          stored += inserted;
        }
        if (stored >= events) resolve();
      },
    });
  });
  await done;
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  await dataSource.destroy();
  await db.drop();
  return referenceRate(stored, seconds);
}
