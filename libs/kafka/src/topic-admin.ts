import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DEFAULT_TOPIC_SPECS, Topic, topicName } from '@app/contracts';

export interface EnsureTopicsOptions {
  prefix: string;
  /** Partition counts that differ from the defaults (the events topic's is configurable). */
  partitions?: Partial<Record<Topic, number>>;
  /** Broker names that replace `<prefix><topic>`, e.g. a propagator told to publish elsewhere. */
  names?: Partial<Record<Topic, string>>;
  /** Replication factor for new topics; 1 on a single local broker. */
  replicationFactor?: number;
}

/**
 * Creates the given topics if they are missing. Every service calls this at start-up for the
 * topics it touches, so any start order works and a consumer never subscribes to a topic
 * that does not exist yet (kafkajs fails on that under KRaft).
 * Existing topics are left alone: adding partitions to `events` would move keys between
 * partitions and break per-source ordering, so a mismatch is only reported.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: Topic[],
  options: EnsureTopicsOptions,
): Promise<void> {
  const logger = new Logger('TopicAdmin');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = topics.map((topic) => ({
      topic,
      name: options.names?.[topic] ?? topicName(topic, options.prefix),
      partitions: options.partitions?.[topic] ?? DEFAULT_TOPIC_SPECS[topic].partitions,
    }));
    const missing = wanted.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: options.replicationFactor ?? -1,
          configEntries: Object.entries(DEFAULT_TOPIC_SPECS[t.topic].configs).map(
            ([name, value]) => ({ name, value }),
          ),
        })),
      });
      logger.log(`created topics ${missing.map((t) => `${t.name}(${t.partitions})`).join(', ')}`);
    }
    const present = wanted.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      for (const topic of metadata.topics) {
        const expected = present.find((t) => t.name === topic.name)?.partitions;
        if (expected !== undefined && topic.partitions.length !== expected) {
          logger.warn(
            `topic ${topic.name} has ${topic.partitions.length} partitions, configuration says ${expected}; left unchanged`,
          );
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}
