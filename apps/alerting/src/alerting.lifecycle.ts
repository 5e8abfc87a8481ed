import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { AlertingConfig } from './alerting.config';
import { EvaluationService } from './evaluation/evaluation.service';
import { IncidentLedger } from './incidents/incident-ledger.service';
import { NotificationDispatcher } from './notifications/notification-dispatcher';
import { NotificationPublisher } from './notifications/notification.publisher';
import { RepartitionTopic } from './repartition/repartition-topic';
import { RuleCatalog } from './rules/rule-catalog.service';
import { AlertingStatusReporter } from './status/status-reporter';

/**
 * Starts the parts in the order correctness needs: topics, then the complete rule set and
 * incident ledger, and only then evaluation (which must know both) and dispatch. Stops in
 * reverse, so nothing evaluated is left unpublished.
 */
@Injectable()
export class AlertingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Alerting');

  constructor(
    private readonly kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly publisher: NotificationPublisher,
    private readonly repartition: RepartitionTopic,
    private readonly catalog: RuleCatalog,
    private readonly ledger: IncidentLedger,
    private readonly evaluation: EvaluationService,
    private readonly dispatcher: NotificationDispatcher,
    private readonly status: AlertingStatusReporter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(
      this.kafka,
      [
        Topic.Events,
        Topic.AlertRules,
        Topic.Notifications,
        Topic.NotificationDeliveries,
        Topic.NotificationsDlq,
        Topic.AlertingRepartition,
        Topic.AlertingStatus,
      ],
      {
        prefix: this.config.kafkaTopicPrefix,
        partitions: {
          [Topic.Events]: this.config.eventsTopicPartitions,
          [Topic.AlertingRepartition]: this.config.repartitionPartitions,
        },
      },
    );
    // Before the rules: routing a rule's matches needs the topic's partition count.
    await this.repartition.load();
    await this.publisher.connect();
    await this.catalog.start();
    await this.ledger.start();
    await this.evaluation.start();
    await this.dispatcher.start();
    // Last: the first report describes rules and windows in force.
    await this.status.start();
    this.logger.log('alerting started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    // First: from here on this replica's windows are going, whatever the gateway last read.
    await this.status.stop();
    await this.evaluation.stop();
    await this.dispatcher.stop();
    await this.ledger.stop();
    await this.catalog.stop();
    await this.publisher.disconnect();
    this.logger.log('alerting stopped');
  }
}
