import {
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Kafka, Message } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { ensureTopics, IdempotentPublisher } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';

/** Topics the gateway writes: HTTP ingestion, rules, incident actions. */
const GATEWAY_TOPICS = [Topic.Events, Topic.AlertRules, Topic.Notifications];

/**
 * The gateway's one publisher. A send that Kafka does not acknowledge within a few seconds
 * (few, short client retries) is a 503 for the caller: the HTTP request must not hang on an
 * outage, and nothing was accepted that is not on the topic.
 */
@Injectable()
export class TopicPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TopicPublisher.name);
  private readonly publisher: IdempotentPublisher;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: GatewayConfig,
  ) {
    this.publisher = new IdempotentPublisher(kafka, {
      name: TopicPublisher.name,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
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
    await this.publisher.disconnect();
  }

  topic(topic: Topic): string {
    return topicName(topic, this.config.kafkaTopicPrefix);
  }

  async send(topic: Topic, messages: Message[]): Promise<void> {
    try {
      await this.publisher.send(this.topic(topic), messages);
    } catch (error) {
      this.logger.error(`publishing to ${this.topic(topic)} failed: ${(error as Error).message}`);
      throw new ServiceUnavailableException(
        `Kafka did not acknowledge the write to ${topic}; nothing was accepted, try again`,
      );
    }
  }
}
