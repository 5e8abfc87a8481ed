import { Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { LifecycleMessage, Topic, topicName } from '@app/contracts';
import { TopicFollower } from '@app/kafka';
import { AlertingConfig } from '../alerting.config';
import { decodeNotificationOrSkip } from '../decoding/notification-decoder';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { IncidentBook } from './incident-book';

/**
 * Every replica follows `notifications` from its start, so it knows which incidents are
 * open (its own, other replicas', and acknowledgements and resolutions from the gateway)
 * before it evaluates anything: a restart never opens a second incident for a crossing
 * that already has one.
 */
@Injectable()
export class IncidentLedger {
  private readonly logger = new Logger('IncidentLedger');
  readonly book = new IncidentBook();
  private follower?: TopicFollower;
  private readonly listeners: Array<(message: LifecycleMessage) => void> = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly metrics: AlertingMetrics,
  ) {}

  async start(): Promise<void> {
    this.follower = new TopicFollower(this.kafka, {
      topic: topicName(Topic.Notifications, this.config.kafkaTopicPrefix),
      groupPrefix: `${this.config.groupId}-ledger`,
      onMessage: (message, partition) => {
        const lifecycle = decodeNotificationOrSkip(message, partition, {
          metrics: this.metrics,
          logger: this.logger,
        });
        if (!lifecycle) return;
        if (this.book.apply(lifecycle)) {
          for (const listener of this.listeners) listener(lifecycle);
        }
        this.metrics.activeIncidents.set(this.book.activeCount());
      },
    });
    await this.follower.start();
    await this.follower.caughtUp;
    this.metrics.activeIncidents.set(this.book.activeCount());
    this.logger.log(`${this.book.activeCount()} active incidents`);
  }

  onApplied(listener: (message: LifecycleMessage) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }
}
