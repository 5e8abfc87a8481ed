import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { HealthModule, MetricsModule } from '@app/observability';
import { AlertingConfig } from './alerting.config';
import { AlertingLifecycle } from './alerting.lifecycle';
import { deliveryProviders } from './delivery.providers';
import { EvaluationService } from './evaluation/evaluation.service';
import { TransitionHandler } from './evaluation/transition-handler';
import { WindowRebuilder } from './evaluation/window-rebuilder';
import { IncidentLedger } from './incidents/incident-ledger.service';
import { AlertingMetrics } from './metrics/alerting.metrics';
import { NotificationDispatcher } from './notifications/notification-dispatcher';
import { NotificationPublisher } from './notifications/notification.publisher';
import { MatchForwarder } from './repartition/match-forwarder';
import { RepartitionTopic } from './repartition/repartition-topic';
import { RuleCatalog } from './rules/rule-catalog.service';
import { AlertingStatusReporter } from './status/status-reporter';

@Module({})
export class AlertingModule {
  static forRoot(config: AlertingConfig): DynamicModule {
    return {
      module: AlertingModule,
      imports: [
        MetricsModule.forRoot('alerting'),
        KafkaModule.forRoot({
          connection: config,
          clientId: 'eventmon-alerting',
          logLevel: config.logLevel,
          stallTimeoutMs: config.kafkaStallTimeoutMs,
        }),
        HealthModule.forRoot({ database: false }),
      ],
      providers: [
        { provide: AlertingConfig, useValue: config },
        AlertingMetrics,
        NotificationPublisher,
        RuleCatalog,
        IncidentLedger,
        WindowRebuilder,
        TransitionHandler,
        RepartitionTopic,
        MatchForwarder,
        EvaluationService,
        NotificationDispatcher,
        AlertingStatusReporter,
        ...deliveryProviders(config),
        AlertingLifecycle,
      ],
    };
  }
}
