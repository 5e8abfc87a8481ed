import { ConsumerConfig, RetryOptions } from 'kafkajs';

/** How a group consumer fetches: the settings that differ from one service to another. */
export interface FetchSettings {
  sessionTimeoutMs: number;
  /** How long a fetch waits for data on an idle partition (latency against empty round trips). */
  maxWaitTimeInMs: number;
  /** Batches of different partitions handled at once (kafkajs' default: 1). */
  partitionsConsumedConcurrently?: number;
  /** Fetch size limits; kafkajs' defaults when absent. */
  maxBytesPerPartition?: number;
  maxBytes?: number;
}

/**
 * Heartbeats at most every 3 s, and at least three times per session timeout: a short session
 * (a test's, or an operator's wish to notice dead members fast) is not lost between two beats.
 */
export function heartbeatIntervalMs(sessionTimeoutMs: number): number {
  return Math.min(3000, Math.floor(sessionTimeoutMs / 3));
}

/** The kafkajs settings of a group consumer that commits by itself (never automatically). */
export function groupConsumerConfig(
  groupId: string,
  fetch: FetchSettings,
  retry: RetryOptions,
): ConsumerConfig {
  return {
    retry,
    groupId,
    // Topics are created by the services at start-up, with their partitions and settings.
    allowAutoTopicCreation: false,
    sessionTimeout: fetch.sessionTimeoutMs,
    heartbeatInterval: heartbeatIntervalMs(fetch.sessionTimeoutMs),
    maxWaitTimeInMs: fetch.maxWaitTimeInMs,
    ...(fetch.maxBytesPerPartition !== undefined && {
      maxBytesPerPartition: fetch.maxBytesPerPartition,
    }),
    ...(fetch.maxBytes !== undefined && { maxBytes: fetch.maxBytes }),
  };
}
