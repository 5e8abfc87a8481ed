import { Admin } from 'kafkajs';

/** What a consumer group has left to read of one topic. */
export interface TopicLag {
  topic: string;
  /**
   * Messages between the group's commits and the log end, summed over the partitions it has
   * committed on; null when it has committed on none (its lag is not known yet).
   */
  lag: bigint | null;
  /** Partitions the group has not committed on yet (they are left out of `lag`). */
  uncommittedPartitions: number;
  /** Sum of the committed offsets: moves whenever the group makes progress. */
  committedSum: bigint;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * The lag of a group on one topic from its committed offsets and the topic's high watermarks,
 * as `kafka-consumer-groups --describe` counts it. A commit of -1 is kafkajs' "none yet".
 */
export function topicLag(
  topic: string,
  committed: readonly PartitionOffset[],
  highWatermarks: readonly PartitionOffset[],
): TopicLag {
  const ends = new Map(highWatermarks.map((o) => [o.partition, BigInt(o.offset)]));
  let lag = 0n;
  let committedSum = 0n;
  let uncommittedPartitions = 0;
  for (const { partition, offset } of committed) {
    const at = BigInt(offset);
    if (at < 0n) {
      uncommittedPartitions++;
      continue;
    }
    committedSum += at;
    const end = ends.get(partition) ?? 0n;
    // A commit past the end (a topic recreated under the group) is no lag, not negative lag.
    if (end > at) lag += end - at;
  }
  const known = committed.length > uncommittedPartitions;
  return { topic, lag: known ? lag : null, uncommittedPartitions, committedSum };
}

/** The lag of `groupId` on each of `topics`: its commits against the topics' high watermarks. */
export async function fetchGroupLag(
  admin: Admin,
  groupId: string,
  topics: string[],
): Promise<TopicLag[]> {
  // kafkajs reads no topics as "every topic the group committed on".
  if (topics.length === 0) return [];
  const committedByTopic = await admin.fetchOffsets({ groupId, topics });
  return Promise.all(
    committedByTopic.map(async ({ topic, partitions }) => {
      const ends = await admin.fetchTopicOffsets(topic);
      return topicLag(
        topic,
        partitions,
        ends.map(({ partition, high }) => ({ partition, offset: high })),
      );
    }),
  );
}

/** The sum of the known lags (a topic the group has not committed on counts nothing). */
export function totalLag(lags: readonly TopicLag[]): bigint {
  return lags.reduce((sum, { lag }) => sum + (lag ?? 0n), 0n);
}
