/**
 * Reference (b) of `bench:pipeline`: how fast kafkajs alone delivers the backlog to this
 * machine's Node, with the consumer's fetch settings and nothing done per message but
 * `JSON.parse`. No validation, no database, no offset commits: the ceiling for any consumer
 * built on kafkajs here.
 */
import { performance } from 'node:perf_hooks';
import { Kafka } from 'kafkajs';
import { loadConfig } from '@app/config';
import { ConsumerConfig } from '../../apps/consumer/src/consumer.config';
import { ReferenceRate, referenceRate } from './reference-rate';

export interface BareConsumerOptions {
  topic: string;
  /** A group of its own, so it reads from the beginning without touching the consumer's offsets. */
  groupId: string;
  /** Messages to read: the first `count` of the topic, whichever partitions they come from. */
  count: number;
  /** The consumer process's environment, for its fetch settings (CONSUMER_CONCURRENCY, ...). */
  consumerEnv: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * The consumer's fetch settings: the same batch sizes and concurrency, so the reference
 * differs from the product only in what it does per message.
 */
function fetchSettingsOf(env: NodeJS.ProcessEnv) {
  const config = loadConfig(ConsumerConfig, { env });
  return {
    partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxBytes: config.maxFetchBytes,
    maxWaitTimeInMs: 250,
  };
}

/** Reads and parses `count` messages; the rate runs from the first batch to the last message. */
export async function bareConsumerReference(
  kafka: Kafka,
  options: BareConsumerOptions,
): Promise<ReferenceRate> {
  const { partitionsConsumedConcurrently, ...fetch } = fetchSettingsOf(options.consumerEnv);
  const consumer = kafka.consumer({ groupId: options.groupId, ...fetch });
  let read = 0;
  let started = 0;
  let finished = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 10 * 60_000;
      const timer = setTimeout(
        () =>
          reject(new Error(`bare consumer read ${read} of ${options.count} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently,
          eachBatch: ({ batch }) => {
            started ||= performance.now();
            for (const message of batch.messages) {
              if (read >= options.count) break;
              JSON.parse(message.value?.toString('utf8') ?? 'null');
              read++;
            }
            if (read >= options.count && !finished) {
              finished = performance.now();
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return referenceRate(read, (finished - started) / 1000);
}
