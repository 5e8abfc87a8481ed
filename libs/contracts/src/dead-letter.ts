/**
 * Header names on every dead-lettered record. The record's key and value are the original
 * message's, byte for byte; these headers say why and where it came from. Part of the
 * public contract (operators replay from them): do NOT rename.
 */
export const DeadLetterHeader = {
  /** Human-readable reasons joined with "; ". */
  Reason: 'dlq.reason',
  /** JSON array of every reason, one string each. */
  Reasons: 'dlq.reasons',
  /** Where it was rejected: see DeadLetterStage. */
  Stage: 'dlq.stage',
  OriginalTopic: 'dlq.original.topic',
  OriginalPartition: 'dlq.original.partition',
  OriginalOffset: 'dlq.original.offset',
  /** The original Kafka timestamp, epoch milliseconds. */
  OriginalTimestamp: 'dlq.original.timestamp',
  /** When it was dead-lettered, ISO-8601. */
  FailedAt: 'dlq.failed-at',
  /** The service (and consumer group) that rejected it. */
  Service: 'dlq.service',
  /** Delivery failures only: which of the incident's channels failed, and after how many attempts. */
  ChannelType: 'dlq.channel.type',
  ChannelIndex: 'dlq.channel.index',
  Attempts: 'dlq.attempts',
} as const;

export enum DeadLetterStage {
  /** The bytes are not an event: bad JSON, wrong types, missing fields, too large... */
  Validation = 'validation',
  /** A valid-looking event the database refused on its own (the batch around it was kept). */
  Persistence = 'persistence',
  /**
   * Its id is already stored with different content: a producer reusing ids, or someone
   * claiming an event's id first. An identical redelivery is a silent duplicate instead.
   */
  Conflict = 'conflict',
  /** A notification that could not be delivered to a channel after every retry. */
  Delivery = 'delivery',
}

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface DeadLetterRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[]>;
}

/**
 * Builds the DLQ record for a rejected message. Original headers are kept so nothing the
 * producer attached is lost; ours are added under the `dlq.` prefix and win on a clash.
 */
export function buildDeadLetter(
  source: DeadLetterSource,
  reasons: readonly string[],
  stage: DeadLetterStage,
  service: string,
  now: Date = new Date(),
): DeadLetterRecord {
  const original: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const [name, value] of Object.entries(source.headers ?? {})) {
    if (value !== undefined) original[name] = value;
  }
  return {
    key: source.key,
    value: source.value,
    headers: {
      ...original,
      [DeadLetterHeader.Reason]: reasons.join('; '),
      [DeadLetterHeader.Reasons]: JSON.stringify(reasons),
      [DeadLetterHeader.Stage]: stage,
      [DeadLetterHeader.OriginalTopic]: source.topic,
      [DeadLetterHeader.OriginalPartition]: String(source.partition),
      [DeadLetterHeader.OriginalOffset]: source.offset,
      [DeadLetterHeader.OriginalTimestamp]: source.timestamp,
      [DeadLetterHeader.FailedAt]: now.toISOString(),
      [DeadLetterHeader.Service]: service,
    },
  };
}
