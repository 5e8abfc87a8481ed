import { Injectable, Logger } from '@nestjs/common';
import { Kafka, KafkaMessage } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import {
  BatchControls,
  ConsumerStallMonitor,
  kafkaRetrier,
  OffsetTracker,
  PartitionBatch,
  PartitionBatchConsumer,
  PartitionBatchHandler,
  untilStopped,
} from '@app/kafka';
import { AlertingConfig } from '../alerting.config';
import { decodeNotificationOrSkip } from '../decoding/notification-decoder';
import { DeliveryExecutor } from '../delivery';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { DeliveriesInFlight } from './deliveries-in-flight';
import { NotificationDelivery } from './notification-delivery';
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
 * message (tracked commits), so a crash redelivers only what was not finished, with the same
 * idempotency keys.
 */
@Injectable()
export class NotificationDispatcher implements PartitionBatchHandler {
  private readonly logger = new Logger('Dispatch');
  private readonly consumer: PartitionBatchConsumer;
  private readonly topic: string;
  private readonly tracker = new OffsetTracker();
  private readonly inFlight: DeliveriesInFlight;
  private readonly delivery: NotificationDelivery;
  private stopping = false;

  constructor(
    kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly executor: DeliveryExecutor,
    publisher: NotificationPublisher,
    private readonly metrics: AlertingMetrics,
    stallMonitor: ConsumerStallMonitor,
  ) {
    this.topic = topicName(Topic.Notifications, config.kafkaTopicPrefix);
    this.inFlight = new DeliveriesInFlight((size) => metrics.deliveriesInFlight.set(size));
    const retrier = kafkaRetrier(this.logger, 'recording a delivery');
    this.delivery = new NotificationDelivery({
      executor,
      publisher,
      metrics,
      retrier,
      untilStopped: untilStopped(() => this.stopping),
      service: `alerting/${config.dispatchGroupId}`,
      logger: this.logger,
    });
    this.consumer = new PartitionBatchConsumer(kafka, {
      name: 'Dispatch',
      activity: 'dispatching',
      groupId: config.dispatchGroupId,
      handlers: new Map([[this.topic, this]]),
      // A new dispatch group starts at the end: notifying about last week's incidents on a
      // first deployment would be noise, not news.
      fromBeginning: false,
      fetch: { sessionTimeoutMs: config.sessionTimeoutMs, maxWaitTimeInMs: 50 },
      commit: {
        kind: 'tracked',
        tracker: this.tracker,
        intervalMs: COMMIT_EVERY_MS,
        // Deliveries of partitions still owned go on across a rebalance, and finish.
        forgetOnAssignment: 'revoked',
      },
      retrier,
      onCrash: 'exit',
      stallMonitor,
      // Commits wait behind the oldest delivery still being retried: that is not a stall, and
      // a restart would deliver the later notifications a second time to healthy channels.
      stallTimeoutMs: stallMonitor.stallTimeoutMs + longestDeliveryMs(config),
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  /** Stops fetching, lets deliveries in progress finish (bounded), commits, closes channels. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.stop();
    this.executor.close();
  }

  async handleBatch(batch: PartitionBatch, controls: BatchControls): Promise<void> {
    const { partition } = batch;
    for (const message of batch.messages) {
      if (!controls.isActive()) return;
      // Backpressure: past the in-flight limit the fetch loop waits for a delivery to finish.
      await controls.heartbeatWhile(this.inFlight.roomFor(this.config.notifyMaxInFlight));
      this.tracker.started(partition, message.offset);
      const delivery = this.dispatch(partition, message).then(
        () => this.tracker.finished(partition, message.offset),
        // Left unfinished on purpose: whoever owns the partition next delivers it again.
        (error: Error) =>
          this.logger.error(
            `notification at offset ${message.offset} (partition ${partition}) not finished: ${error.message}`,
          ),
      );
      this.inFlight.add(delivery);
    }
  }

  async drain(): Promise<void> {
    if (this.inFlight.size === 0) return;
    this.logger.log(`waiting for ${this.inFlight.size} notifications being delivered`);
    await this.inFlight.settled(STOP_WAIT_MS);
  }

  private async dispatch(partition: number, raw: KafkaMessage): Promise<void> {
    const message = decodeNotificationOrSkip(raw, partition, {
      metrics: this.metrics,
      logger: this.logger,
    });
    // Skipped, not left unfinished: an offset that never finishes would hold back every commit.
    if (!message) return;
    const source = {
      topic: this.topic,
      partition,
      offset: raw.offset,
      timestamp: raw.timestamp,
      key: raw.key,
      value: raw.value,
      headers: raw.headers,
    };
    await this.delivery.deliver(source, message);
  }
}

/** The longest one delivery can keep dispatch's commits waiting: every attempt and backoff. */
export function longestDeliveryMs(config: AlertingConfig): number {
  return config.notifyMaxAttempts * (config.notifyAttemptTimeoutMs + config.notifyBackoffMaxMs);
}
