import {
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Kafka, Message, TopicMessages } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics, IdempotentPublisher, settlesWithin, withTimeout } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';
import { RetryLaterException } from '../http/retry-later.exception';
import { GroupCommitWriter, WriterBusyError, WriteSize } from './group-commit-writer';

/** Topics the gateway writes: HTTP ingestion, rules, incident actions. */
const GATEWAY_TOPICS = [Topic.Events, Topic.AlertRules, Topic.Notifications];

/** Seconds a client is asked to wait when the writes waiting for Kafka are at their bound. */
export const PUBLISH_RETRY_AFTER_SECONDS = 1;

/**
 * Longest a batch may wait for Kafka's acknowledgement before its requests are answered 503.
 * kafkajs' own bound is far longer while the broker is down: a new producer's connect retries
 * with the client's backoff (8 retries of up to 10 s), and every request queued behind it would
 * wait as long. A batch given up on may still be written later, as after any lost
 * acknowledgement: a 503 says "not acknowledged", never "not written".
 */
export const PUBLISH_ACK_TIMEOUT_MS = 10_000;

/** One caller's messages for one topic: written whole, in one produce request. */
type TopicWrite = TopicMessages;

const sizeOfWrite = ({ messages }: TopicWrite): WriteSize => {
  let bytes = 0;
  for (const { key, value } of messages) {
    bytes += byteLength(key) + byteLength(value);
  }
  return { messages: messages.length, bytes };
};

const byteLength = (data: Message['key'] | Message['value']): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

/** The callers' writes as one produce request: one entry per topic, in the order they came. */
function byTopic(writes: TopicWrite[]): TopicMessages[] {
  const merged = new Map<string, Message[]>();
  for (const { topic, messages } of writes) {
    const list = merged.get(topic);
    if (list) list.push(...messages);
    else merged.set(topic, [...messages]);
  }
  return [...merged].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * The gateway's one publisher. Concurrent requests' writes go to Kafka together, as one produce
 * request (GroupCommitWriter): the idempotent producer has one request in flight, so sending
 * each request on its own would queue them behind each other. A request is answered only once
 * the batch holding its messages was acknowledged by every in-sync replica; a batch Kafka does
 * not acknowledge within a few seconds (few, short client retries) is a 503 for each request in
 * it: the HTTP request must not hang on an outage, and nothing was accepted that is not on the
 * topic.
 */
@Injectable()
export class TopicPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TopicPublisher.name);
  private readonly publisher: IdempotentPublisher;
  private readonly writer: GroupCommitWriter<TopicWrite>;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: GatewayConfig,
  ) {
    this.publisher = new IdempotentPublisher(kafka, {
      name: TopicPublisher.name,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    this.writer = new GroupCommitWriter((writes) => this.sendBatch(writes), sizeOfWrite, {
      lingerMs: config.ingestLingerMs,
      maxBatchMessages: config.ingestBatchMaxMessages,
      maxBatchBytes: config.ingestBatchMaxBytes,
      maxQueuedBytes: config.ingestMaxQueuedBytes,
    });
  }

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, GATEWAY_TOPICS, {
      prefix: this.config.kafkaTopicPrefix,
      partitions: { [Topic.Events]: this.config.eventsTopicPartitions },
    });
    await this.publisher.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    // Requests already waiting get their answer before the producer goes; bounded, because
    // with the broker away a full queue would take one timeout per batch. What is left then
    // fails with the disconnected producer: a 503.
    await settlesWithin(this.writer.idle(), PUBLISH_ACK_TIMEOUT_MS);
    await this.publisher.disconnect();
  }

  topic(topic: Topic): string {
    return topicName(topic, this.config.kafkaTopicPrefix);
  }

  /** Resolves once Kafka acknowledged the batch holding these messages; else a 503. */
  async send(topic: Topic, messages: Message[]): Promise<void> {
    try {
      await this.writer.write({ topic: this.topic(topic), messages });
    } catch (error) {
      if (error instanceof WriterBusyError) {
        throw new RetryLaterException(
          `too many writes are waiting for Kafka (${error.message}); nothing was accepted, retry after ${PUBLISH_RETRY_AFTER_SECONDS} s`,
          PUBLISH_RETRY_AFTER_SECONDS,
        );
      }
      throw new ServiceUnavailableException(
        `Kafka did not acknowledge the write to ${topic}; nothing was accepted, try again`,
      );
    }
  }

  /** One produce request for a batch of writes; logged once per batch, not per request. */
  private async sendBatch(writes: TopicWrite[]): Promise<void> {
    try {
      await withTimeout(this.publisher.sendBatch(byTopic(writes)), PUBLISH_ACK_TIMEOUT_MS);
    } catch (error) {
      this.logger.error(
        `publishing a batch of ${writes.length} writes failed: ${(error as Error).message}`,
      );
      throw error;
    }
  }
}
