import { LoggerService } from '@nestjs/common';
import { Message } from 'kafkajs';
import {
  buildDeadLetter,
  ChannelConfig,
  DeadLetterHeader,
  DeadLetterSource,
  DeadLetterStage,
  DeliveryRecord,
  LifecycleMessage,
  Topic,
} from '@app/contracts';
import { BatchContext, DependencyRetrier } from '@app/resilience';
import { DeliveryExecutor } from '../delivery';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from './notification.publisher';

export interface NotificationDeliveryParts {
  executor: Pick<DeliveryExecutor, 'deliver'>;
  publisher: Pick<NotificationPublisher, 'send'>;
  metrics: AlertingMetrics;
  /** Waits out Kafka hiccups while recording outcomes... */
  retrier: DependencyRetrier;
  /** ...until the service stops: the message then stays uncommitted. */
  untilStopped: BatchContext;
  /** Names the dispatcher in DLQ headers: `alerting/<group id>`. */
  service: string;
  logger: LoggerService;
}

/**
 * Delivers one lifecycle message to every channel its incident carries, concurrently. Every
 * attempt goes to `notifications.deliveries`; a channel out of attempts goes to
 * `notifications.dlq` with the lifecycle message as its value. Rejects only when an outcome
 * could not be recorded (the service is stopping): the message is then delivered again by
 * the partition's next owner, with the same idempotency keys.
 */
export class NotificationDelivery {
  constructor(private readonly parts: NotificationDeliveryParts) {}

  async deliver(source: DeadLetterSource, message: LifecycleMessage): Promise<void> {
    await Promise.all(
      message.incident.channels.map((channel, channelIndex) =>
        this.deliverOne(source, message, channel, channelIndex),
      ),
    );
  }

  private async deliverOne(
    source: DeadLetterSource,
    message: LifecycleMessage,
    channel: ChannelConfig,
    channelIndex: number,
  ): Promise<void> {
    const { metrics } = this.parts;
    try {
      const result = await this.parts.executor.deliver(
        { message, channel, channelIndex },
        (record) => this.recordAttempt(record),
      );
      if (result.outcome === 'delivered') {
        metrics.notificationsSent.inc({ channel: channel.type });
        return;
      }
      metrics.notificationsFailed.inc({ channel: channel.type });
      const deadLetter = buildDeadLetter(
        source,
        [`${channel.type} channel ${channelIndex}: ${result.error ?? 'failed'}`],
        DeadLetterStage.Delivery,
        this.parts.service,
      );
      deadLetter.headers[DeadLetterHeader.ChannelType] = channel.type;
      deadLetter.headers[DeadLetterHeader.ChannelIndex] = String(channelIndex);
      deadLetter.headers[DeadLetterHeader.Attempts] = String(result.attempts);
      await this.send(Topic.NotificationsDlq, [deadLetter]);
      this.parts.logger.warn(
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
    this.parts.metrics.deliveryAttempts.inc({
      channel: record.channelType,
      outcome: record.outcome,
    });
    await this.send(Topic.NotificationDeliveries, [
      { key: record.incidentId, value: JSON.stringify(record) },
    ]);
  }

  private send(topic: Topic, messages: Message[]): Promise<void> {
    return this.parts.retrier.run('kafka', this.parts.untilStopped, () =>
      this.parts.publisher.send(topic, messages),
    );
  }
}
