import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { DEFAULT_TOPIC_SPECS, Topic, topicName } from '@app/contracts';
import { backoffDelay } from '@app/resilience';

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
  // Services starting together race to create the same topics: the loser can see a topic
  // that exists but has no metadata yet. Such errors pass; trying again settles it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureTopicsOnce(kafka, topics, options);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isCreationRace(error)) throw error;
      new Logger('TopicAdmin').warn(
        `topics not ready yet (${(error as Error).message}); trying again (attempt ${attempt})`,
      );
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 200, 3000)));
    }
  }
}

const MAX_ATTEMPTS = 10;
const RACE_ERRORS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'TOPIC_ALREADY_EXISTS',
  'NOT_CONTROLLER',
]);

/** Errors another service's concurrent creation of the same topics can cause. */
export function isCreationRace(error: unknown): boolean {
  const { type, retriable, errors } = (error ?? {}) as {
    type?: string;
    retriable?: boolean;
    errors?: unknown[];
  };
  if (Array.isArray(errors) && errors.length > 0) return errors.every(isCreationRace);
  return retriable === true || (type !== undefined && RACE_ERRORS.has(type));
}

async function ensureTopicsOnce(
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
