import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ConsumerStallMonitor, ensureTopics, PartitionBatchConsumer } from '@app/kafka';
import { ConsumerConfig } from '../consumer.config';
import { NotificationsMetrics } from '../metrics/notifications.metrics';
import { BatchPipeline } from '../pipelines/batch-pipeline';
import { DeliveryRecordsPipeline } from '../pipelines/delivery-records.pipeline';
import { IncidentLifecyclePipeline } from '../pipelines/incident-lifecycle.pipeline';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { DeliveryRepository } from '../repositories/delivery.repository';
import { IncidentRepository } from '../repositories/incident.repository';
import { DependencyRetrier } from '@app/resilience';
import { pipelineConsumer } from './pipeline-consumer';

/**
 * Reads `notifications` and `notifications.deliveries` in their own consumer group and keeps
 * `incidents` and `deliveries` in PostgreSQL; what cannot be stored goes to `notifications.dlq`.
 */
@Injectable()
export class NotificationsConsumerService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly group: PartitionBatchConsumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsumerConfig,
    incidents: IncidentRepository,
    deliveries: DeliveryRepository,
    deadLetters: DeadLetterPublisher,
    retrier: DependencyRetrier,
    metrics: NotificationsMetrics,
    stallMonitor: ConsumerStallMonitor,
  ) {
    const prefix = config.kafkaTopicPrefix;
    const pipelines = new Map<string, BatchPipeline<unknown>>([
      [topicName(Topic.Notifications, prefix), new IncidentLifecyclePipeline(incidents, metrics)],
      [
        topicName(Topic.NotificationDeliveries, prefix),
        new DeliveryRecordsPipeline(deliveries, metrics),
      ],
    ]);
    this.group = pipelineConsumer(kafka, config, retrier, deadLetters, stallMonitor, {
      name: 'NotificationsConsumer',
      groupId: config.effectiveNotificationsGroupId(),
      pipelines,
      deadLetterTopic: topicName(Topic.NotificationsDlq, prefix),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(
      this.kafka,
      [Topic.Notifications, Topic.NotificationDeliveries, Topic.NotificationsDlq],
      { prefix: this.config.kafkaTopicPrefix },
    );
    await this.group.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}
