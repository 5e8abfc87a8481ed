import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { keyedEventIds, Topic, topicName } from '@app/contracts';
import { ConsumerStallMonitor, ensureTopics, PartitionBatchConsumer } from '@app/kafka';
import { ConsumerConfig } from '../consumer.config';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import { EventsPipeline } from '../pipelines/events.pipeline';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { EventBatchRepository } from '../repositories/event-batch.repository';
import { RetentionService } from '../retention/retention.service';
import { DependencyRetrier } from '@app/resilience';
import { pipelineConsumer } from './pipeline-consumer';

/** Reads `events` in the consumer group CONSUMER_GROUP_ID and stores them (EventsPipeline). */
@Injectable()
export class EventsConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly group: PartitionBatchConsumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsumerConfig,
    private readonly retention: RetentionService,
    repository: EventBatchRepository,
    deadLetters: DeadLetterPublisher,
    retrier: DependencyRetrier,
    metrics: ConsumerMetrics,
    stallMonitor: ConsumerStallMonitor,
  ) {
    const pipeline = new EventsPipeline(
      repository,
      config,
      keyedEventIds(config.eventIdSecret),
      metrics,
    );
    this.group = pipelineConsumer(kafka, config, retrier, deadLetters, stallMonitor, {
      name: 'EventsConsumer',
      groupId: config.groupId,
      pipelines: new Map([[topicName(Topic.Events, config.kafkaTopicPrefix), pipeline]]),
      deadLetterTopic: topicName(Topic.EventsDlq, config.kafkaTopicPrefix),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, [Topic.Events, Topic.EventsDlq], {
      prefix: this.config.kafkaTopicPrefix,
      partitions: { [Topic.Events]: this.config.eventsTopicPartitions },
    });
    // Before the first batch, so that today's partition of `events` is there for it.
    await this.retention.start();
    await this.group.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}
