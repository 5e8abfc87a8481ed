import { Logger } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
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
  /** How long to wait for the topics to be created and led. Default 60 s. */
  readyTimeoutMs?: number;
}

/**
 * Creates the given topics if they are missing, then waits until the broker shows a leader
 * for every partition of each. Every service calls this at start-up for the topics it touches,
 * so any start order works and a consumer never subscribes (nor a producer sends) to a topic
 * the broker cannot serve yet: on a brand-new broker a topic another service has just created
 * is listed before its partitions have leaders, and kafkajs fails on it ("This server does not
 * host this topic-partition").
 * Existing topics are left alone: adding partitions to `events` would move keys between
 * partitions and break per-source ordering, so a mismatch is only reported.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: Topic[],
  options: EnsureTopicsOptions,
): Promise<void> {
  const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const deadline = { at: Date.now() + timeoutMs, ms: timeoutMs };
  const wanted = topics.map((topic) => ({
    topic,
    name: options.names?.[topic] ?? topicName(topic, options.prefix),
    partitions: options.partitions?.[topic] ?? DEFAULT_TOPIC_SPECS[topic].partitions,
  }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Services starting together race to create the same topics: the loser can see a topic
    // that exists but has no metadata yet. Such errors pass; trying again settles it.
    const names = wanted.map((t) => t.name);
    await untilDeadline(deadline, names, () => ensureTopicsOnce(admin, wanted, options));
    await untilDeadline(deadline, names, () => checkLeaders(admin, wanted));
  } finally {
    await admin.disconnect();
  }
}

const READY_TIMEOUT_MS = 60_000;
const RACE_ERRORS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'TOPIC_ALREADY_EXISTS',
  'NOT_CONTROLLER',
]);

interface WantedTopic {
  topic: Topic;
  name: string;
  partitions: number;
}

/** A topic whose partitions are not all served yet; retried like a creation race. */
class TopicsNotReadyError extends Error {
  readonly retriable = true;
}

/**
 * Runs `step` until it succeeds, retrying creation races with backoff; past the deadline,
 * fails naming the topics and the last reason instead of waiting for ever.
 */
export async function untilDeadline(
  deadline: { at: number; ms: number },
  names: string[],
  step: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isCreationRace(error)) throw error;
      const delay = backoffDelay(attempt, 200, 3000);
      if (Date.now() + delay > deadline.at) {
        throw new Error(
          `Kafka topics ${names.join(', ')} not ready (created, with a ` +
            `leader for every partition) within ${deadline.ms / 1000} s: ${(error as Error).message}`,
        );
      }
      // Expected for a few hundred milliseconds on a brand-new broker: not worth a warning.
      new Logger('TopicAdmin').debug(
        `topics not ready yet (${(error as Error).message}); trying again (attempt ${attempt})`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

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

/**
 * Throws TopicsNotReadyError naming the first topic that lacks a leader somewhere. The metadata
 * of a brand-new KRaft broker can name a leader before that broker serves the partition, so
 * each topic's offsets are asked of its leaders too ("not the leader" then means: not yet).
 */
async function checkLeaders(admin: Admin, wanted: WantedTopic[]): Promise<void> {
  const metadata = await admin.fetchTopicMetadata({ topics: wanted.map((t) => t.name) });
  for (const { name } of wanted) {
    const partitions = metadata.topics.find((t) => t.name === name)?.partitions ?? [];
    const leaderless = partitions.filter((p) => p.leader < 0 || p.partitionErrorCode !== 0);
    if (partitions.length === 0 || leaderless.length > 0) {
      throw new TopicsNotReadyError(
        partitions.length === 0
          ? `topic ${name} has no partitions in the metadata yet`
          : `topic ${name} has no leader for partition(s) ${leaderless.map((p) => p.partitionId).join(', ')}`,
      );
    }
  }
  for (const { name } of wanted) await admin.fetchTopicOffsets(name);
}

async function ensureTopicsOnce(
  admin: Admin,
  wanted: WantedTopic[],
  options: EnsureTopicsOptions,
): Promise<void> {
  const logger = new Logger('TopicAdmin');
  const existing = new Set(await admin.listTopics());
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
}
