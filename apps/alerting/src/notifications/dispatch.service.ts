import { Injectable, Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import {
  ConsumerStallMonitor,
  kafkaRetrier,
  OffsetCommitter,
  OffsetTracker,
  ReplaceableConsumer,
  untilStopped,
} from '@app/kafka';
import { DependencyRetrier } from '@app/resilience';
import {
  buildDeadLetter,
  ChannelConfig,
  DeadLetterHeader,
  DeadLetterStage,
  decodeLifecycleMessage,
  DeliveryRecord,
  LifecycleMessage,
  Topic,
  topicName,
} from '@app/contracts';
import { AlertingConfig } from '../alerting.config';
import { decodeOrSkip } from '../decoding/decode-or-skip';
import { DeliveryExecutor } from '../delivery';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from './notification.publisher';

const COMMIT_EVERY_MS = 500;
/**
 * How long a stop waits for deliveries in progress. Unfinished ones stay uncommitted and the
 * partition's next owner delivers them again (same idempotency keys); waiting for every retry
 * of a dead channel would outlast any orchestrator's stop grace period.
 */
const STOP_WAIT_MS = 10_000;

/**
 * Delivers every lifecycle message on `notifications` to the channels its incident carries,
 * one replica per message (consumer group). Deliveries run concurrently and are not awaited
 * by the fetch loop: a channel that times out and retries for minutes holds back neither the
 * other channels nor later incidents. Offsets are committed up to the oldest unfinished
 * message, so a crash redelivers only what was not finished (with the same idempotency keys).
 * Every attempt goes to `notifications.deliveries`; a delivery out of attempts goes to
 * `notifications.dlq` with the lifecycle message as its value.
 */
@Injectable()
export class DispatchService {
  private readonly logger = new Logger('Dispatch');
  private readonly client: ReplaceableConsumer;
  private readonly topic: string;
  private readonly offsets = new OffsetTracker();
  private readonly committer: OffsetCommitter;
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private readonly retrier: DependencyRetrier;
  private readonly untilStopped = untilStopped(() => this.stopping);

  constructor(
    kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly executor: DeliveryExecutor,
    private readonly publisher: NotificationPublisher,
    private readonly metrics: AlertingMetrics,
    private readonly stallMonitor: ConsumerStallMonitor,
  ) {
    this.topic = topicName(Topic.Notifications, config.kafkaTopicPrefix);
    this.client = new ReplaceableConsumer(
      (retry) =>
        kafka.consumer({
          retry,
          groupId: config.dispatchGroupId,
          allowAutoTopicCreation: false,
          sessionTimeout: config.sessionTimeoutMs,
          maxWaitTimeInMs: 50,
        }),
      (consumer) => this.run(consumer),
      this.logger,
    );
    this.retrier = kafkaRetrier(this.logger, 'recording a delivery');
    this.committer = new OffsetCommitter(
      () => this.client.consumer,
      this.topic,
      this.offsets,
      this.logger,
    );
  }

  async start(): Promise<void> {
    await this.client.start();
    this.committer.start(COMMIT_EVERY_MS);
    this.stallMonitor.watch({
      name: 'Dispatch',
      groupId: this.config.dispatchGroupId,
      topics: [this.topic],
      recover: () => this.client.replace(),
      // Commits wait behind the oldest delivery still being retried: that is not a stall, and
      // a restart would deliver the later notifications a second time to healthy channels.
      stallTimeoutMs: this.stallMonitor.stallTimeoutMs + longestDeliveryMs(this.config),
    });
  }

  private async run(consumer: Consumer): Promise<void> {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const owned = new Set(payload.memberAssignment[this.topic] ?? []);
      this.committer.forget(this.offsets.partitions().filter((p) => !owned.has(p)));
    });
    await consumer.connect();
    // A new dispatch group starts at the end: notifying about last week's incidents on a
    // first deployment would be noise, not news.
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.processBatch(payload),
    });
    this.logger.log(`dispatching ${this.topic} as group ${this.config.dispatchGroupId}`);
  }

  /** Stops fetching, lets deliveries in progress finish (bounded by their own timeouts), commits. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.client.markStopped();
    await this.client.consumer.stop();
    if (this.running.size > 0) {
      this.logger.log(`waiting for ${this.running.size} notifications being delivered`);
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
      ]);
    }
    this.committer.stop();
    await this.committer.flush();
    await this.client.consumer.disconnect();
    this.executor.close();
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return;
      await this.waitForRoom(payload);
      this.offsets.started(batch.partition, message.offset);
      const work = this.dispatch(batch.partition, message)
        .then(
          () => this.offsets.finished(batch.partition, message.offset),
          // Left uncommitted on purpose: whoever owns the partition next delivers it again.
          (error: Error) =>
            this.logger.error(
              `notification at offset ${message.offset} (partition ${batch.partition}) not finished: ${error.message}`,
            ),
        )
        .finally(() => {
          this.running.delete(work);
          this.metrics.deliveriesInFlight.set(this.running.size);
        });
      this.running.add(work);
      this.metrics.deliveriesInFlight.set(this.running.size);
      payload.resolveOffset(message.offset);
    }
    await payload.heartbeat();
  }

  /** Backpressure: past the in-flight limit the fetch loop waits for a delivery to finish. */
  private async waitForRoom(payload: EachBatchPayload): Promise<void> {
    while (this.running.size >= this.config.notifyMaxInFlight) {
      await Promise.race([...this.running, new Promise((r) => setTimeout(r, 1000))]);
      await payload.heartbeat().catch(() => undefined);
    }
  }

  private async dispatch(partition: number, raw: KafkaMessage): Promise<void> {
    const decoded = decodeOrSkip(() => decodeLifecycleMessage(raw.value), {
      metrics: this.metrics,
      logger: this.logger,
      reason: 'undecodable-notification',
      what: `notification at offset ${raw.offset} (partition ${partition})`,
    });
    // Skipped, not left unfinished: an offset that never finishes would hold back every commit.
    if (!decoded) return;
    if (!decoded.ok) {
      // The consumer dead-letters malformed notifications; dispatch has nothing to send.
      this.metrics.eventsSkipped.inc({ reason: 'invalid-notification' });
      return;
    }
    const message = decoded.value;
    await Promise.all(
      message.incident.channels.map((channel, channelIndex) =>
        this.deliverOne(partition, raw, message, channel, channelIndex),
      ),
    );
  }

  private async deliverOne(
    partition: number,
    raw: KafkaMessage,
    message: LifecycleMessage,
    channel: ChannelConfig,
    channelIndex: number,
  ): Promise<void> {
    try {
      const result = await this.executor.deliver({ message, channel, channelIndex }, (record) =>
        this.recordAttempt(record),
      );
      if (result.outcome === 'delivered') {
        this.metrics.notificationsSent.inc({ channel: channel.type });
        return;
      }
      this.metrics.notificationsFailed.inc({ channel: channel.type });
      const deadLetter = buildDeadLetter(
        {
          topic: this.topic,
          partition,
          offset: raw.offset,
          timestamp: raw.timestamp,
          key: raw.key,
          value: raw.value,
          headers: raw.headers,
        },
        [`${channel.type} channel ${channelIndex}: ${result.error ?? 'failed'}`],
        DeadLetterStage.Delivery,
        `alerting/${this.config.dispatchGroupId}`,
      );
      deadLetter.headers[DeadLetterHeader.ChannelType] = channel.type;
      deadLetter.headers[DeadLetterHeader.ChannelIndex] = String(channelIndex);
      deadLetter.headers[DeadLetterHeader.Attempts] = String(result.attempts);
      await this.send(Topic.NotificationsDlq, [deadLetter]);
      this.logger.warn(
        `incident ${message.incident.id} ${message.kind}: ${channel.type} channel ${channelIndex} failed after ${result.attempts} attempts, dead-lettered`,
      );
    } catch (error) {
      // Only Kafka itself can fail here (the executor reports delivery problems as results).
      throw new Error(
        `incident ${message.incident.id}: could not record the ${channel.type} delivery outcome: ${(error as Error).message}`,
      );
    }
  }

  private async recordAttempt(record: DeliveryRecord): Promise<void> {
    this.metrics.deliveryAttempts.inc({ channel: record.channelType, outcome: record.outcome });
    await this.send(Topic.NotificationDeliveries, [
      { key: record.incidentId, value: JSON.stringify(record) },
    ]);
  }

  /** Kafka hiccups are waited out; only a stop gives up (and leaves the message uncommitted). */
  private send(topic: Topic, messages: Message[]): Promise<void> {
    return this.retrier.run('kafka', this.untilStopped, () => this.publisher.send(topic, messages));
  }
}

/** The longest one delivery can keep dispatch's commits waiting: every attempt and backoff. */
export function longestDeliveryMs(config: AlertingConfig): number {
  return config.notifyMaxAttempts * (config.notifyAttemptTimeoutMs + config.notifyBackoffMaxMs);
}
