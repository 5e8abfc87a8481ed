import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka, KafkaMessage } from 'kafkajs';
import { decodeAlertingStatus, Topic, topicName } from '@app/contracts';
import { ensureTopics, TopicFollower } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';
import { AlertingReports, ReportedRules } from './alerting-reports';

/**
 * Follows `alerting.status` in every gateway process and keeps each alerting replica's latest
 * report, so the rules API can list the rules of alerting's file (the gateway has no other way
 * to know them) with the windows the replicas hold. The start waits until the topic as it was
 * has been read: a gateway answering before would list no file rules and let a write to one
 * through as "no such rule".
 */
@Injectable()
export class AlertingStatusFollower implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AlertingStatusFollower.name);
  private readonly reports = new AlertingReports();
  private follower?: TopicFollower;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Alerting creates it too; whichever starts first does.
    await ensureTopics(this.kafka, [Topic.AlertingStatus], {
      prefix: this.config.kafkaTopicPrefix,
    });
    this.follower = new TopicFollower(this.kafka, {
      topic: topicName(Topic.AlertingStatus, this.config.kafkaTopicPrefix),
      groupPrefix: `${this.config.kafkaTopicPrefix}gateway-alerting-status`,
      onMessage: (message) => this.apply(message),
    });
    await this.follower.start();
    await this.follower.caughtUp;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower?.stop();
  }

  /** The reports as of now: which replicas are live is decided at each call. */
  snapshot(): ReportedRules {
    return this.reports.snapshot(Date.now());
  }

  private apply(message: KafkaMessage): void {
    const key = message.key?.toString('utf8');
    if (!key) {
      this.logger.warn(`alerting.status record at offset ${message.offset} has no key: skipped`);
      return;
    }
    if (message.value === null) {
      this.reports.apply(key, null);
      return;
    }
    const decoded = decodeAlertingStatus(message.value);
    if (!decoded.ok) {
      this.logger.warn(`status report of ${key} skipped: ${decoded.reasons.join('; ')}`);
      return;
    }
    if (decoded.report.replicaId !== key) {
      this.logger.warn(
        `status report of ${decoded.report.replicaId} under key ${key} skipped: the key must be the replica id`,
      );
      return;
    }
    this.reports.apply(key, decoded.report);
  }
}
