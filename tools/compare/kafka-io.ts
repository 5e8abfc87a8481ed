/** What the comparison does with a build's broker: its topics, the message set, the DLQ. */
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { DEFAULT_TOPIC_SPECS, Topic, topicName } from '@app/contracts';
import { PlannedMessage } from './planned-message';

export const kafkaClient = (brokers: string, clientId: string): Kafka =>
  new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/**
 * The events topic and its dead-letter topic, made before any build touches them. The events
 * topic keeps everything: the local broker deletes records older than 24 hours, and the
 * backfilled events carry timestamps 10 and 40 days old.
 */
export async function createEventTopics(
  kafka: Kafka,
  prefix: string,
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const dlq = DEFAULT_TOPIC_SPECS[Topic.EventsDlq];
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: topicName(Topic.Events, prefix),
          numPartitions: partitions,
          configEntries: [{ name: 'retention.ms', value: '-1' }],
        },
        {
          topic: topicName(Topic.EventsDlq, prefix),
          numPartitions: dlq.partitions,
          configEntries: Object.entries(dlq.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

const SEND_BATCH = 1000;

const toKafka = (message: PlannedMessage) => ({
  partition: message.partition,
  key: message.key,
  value: message.value,
  timestamp: String(message.timestamp),
});

/**
 * Publishes the sends in order, one at a time, each message to the partition it names, with a
 * pause after each: every broker then holds each message at the same offset, which is what
 * the ids of events sent without one are derived from.
 */
export async function publishSends(
  kafka: Kafka,
  topic: string,
  sends: readonly (readonly PlannedMessage[])[],
  pauseMs = 0,
): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const messages of sends) {
      await producer.send({ topic, acks: -1, messages: messages.map(toKafka) });
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    await producer.disconnect();
  }
}

/** A backlog as sends of SEND_BATCH messages, published back to back. */
export const publishBacklog = (kafka: Kafka, topic: string, messages: readonly PlannedMessage[]) =>
  publishSends(
    kafka,
    topic,
    Array.from({ length: Math.ceil(messages.length / SEND_BATCH) }, (_, i) =>
      messages.slice(i * SEND_BATCH, (i + 1) * SEND_BATCH),
    ),
  );

/** The high watermark of each partition, by partition number. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const ends: number[] = [];
    for (const { partition, high } of offsets) ends[partition] = Number(high);
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Messages of the topic the group has not committed yet, all partitions together. */
export async function groupLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const at = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.reduce(
      (lag, { partition, high, low }) =>
        lag + Number(high) - Math.max(at.get(partition) ?? -1, Number(low)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Moves a stopped group back to the given offsets: its next consumer reads those messages
 * again, the redelivery a crash or a rebalance causes.
 */
export async function rewindGroup(
  kafka: Kafka,
  groupId: string,
  topic: string,
  offsets: ReadonlyMap<number, number>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [...offsets].map(([partition, offset]) => ({
        partition,
        offset: String(offset),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Every record of a topic, read from the beginning up to the end offsets seen at the start. */
export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 60_000,
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const wanted = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const records: { partition: number; message: KafkaMessage }[] = [];
  if (wanted === 0) return records;
  const consumer = kafka.consumer({ groupId: `compare-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${records.length} of ${wanted} records of ${topic}`)),
        timeoutMs,
      );
      void consumer
        .run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            records.push({ partition, message });
            if (records.length === wanted) {
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
  return records;
}
