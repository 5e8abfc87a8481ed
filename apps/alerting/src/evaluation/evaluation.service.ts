import { Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { ConsumerStallMonitor } from '@app/kafka';
import { AlertingConfig } from '../alerting.config';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from '../notifications/notification.publisher';
import { MatchForwarder } from '../repartition/match-forwarder';
import { RepartitionRoute } from '../repartition/repartition-route';
import { RepartitionTopic } from '../repartition/repartition-topic';
import { RuleCatalog } from '../rules/rule-catalog.service';
import { EventsRoute } from './events-route';
import { TopicEvaluation } from './topic-evaluation';
import { TransitionHandler } from './transition-handler';
import { WindowRebuilder } from './window-rebuilder';

/**
 * Every rule evaluated by exactly one replica per group key, however many replicas run:
 * `events` is evaluated for the rules grouped by source (their keys follow the events'
 * partitions), and its replicas forward the matches of the other rules to
 * `alerting-repartition`, whose partitions (by rule and key) are evaluated in a group of
 * their own. Both are TopicEvaluations: rebuilt on assignment, silent on what was evaluated
 * before, committed only after what they publish is on its topic.
 */
@Injectable()
export class EvaluationService {
  private readonly events: TopicEvaluation;
  private readonly repartitioned: TopicEvaluation;

  constructor(
    kafka: Kafka,
    config: AlertingConfig,
    catalog: RuleCatalog,
    rebuilder: WindowRebuilder,
    transitions: TransitionHandler,
    publisher: NotificationPublisher,
    private readonly forwarder: MatchForwarder,
    repartitionTopic: RepartitionTopic,
    metrics: AlertingMetrics,
    stallMonitor: ConsumerStallMonitor,
  ) {
    const parts = {
      kafka,
      config,
      catalog,
      rebuilder,
      transitions,
      publisher,
      metrics,
      stallMonitor,
    };
    const logger = new Logger('Evaluation');
    this.events = new TopicEvaluation(parts, new EventsRoute(config, metrics, forwarder, logger));
    this.repartitioned = new TopicEvaluation(
      parts,
      new RepartitionRoute(config, catalog, repartitionTopic, metrics, new Logger('Repartition')),
    );
    metrics.windowStats = () => {
      const engines = this.engines();
      const stats = engines.map((engine) => engine.stats());
      return {
        keys: stats.reduce((sum, s) => sum + s.keys, 0),
        stateEntries: stats.reduce((sum, s) => sum + s.stateEntries, 0),
        arrayBytes: engines.reduce((sum, engine) => sum + engine.windowArrayBytes(), 0),
      };
    };
    metrics.keysByRule = () => this.keysByRule();
    metrics.pendingKeysByRule = () => this.pendingKeysByRule();
  }

  /** Group keys this replica holds per rule, over both evaluations (the gauges and the status report). */
  keysByRule(): Map<string, number> {
    return sumByRule(this.engines().map((engine) => engine.keysByRule()));
  }

  /** Keys per rule whose condition holds but whose forSeconds is not over yet. */
  pendingKeysByRule(): Map<string, number> {
    return sumByRule(this.engines().map((engine) => engine.pendingKeysByRule()));
  }

  private engines() {
    return [this.events.windows, this.repartitioned.windows];
  }

  /** The repartition topic's evaluation first: the events' evaluation forwards to it. */
  async start(): Promise<void> {
    await this.forwarder.connect();
    await this.repartitioned.start();
    await this.events.start();
  }

  /** The events' evaluation first: its last batches forward matches, then commit. */
  async stop(): Promise<void> {
    await this.events.stop();
    await this.repartitioned.stop();
    await this.forwarder.disconnect();
  }
}

function sumByRule(counts: Map<string, number>[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const byRule of counts)
    for (const [rule, count] of byRule) sums.set(rule, (sums.get(rule) ?? 0) + count);
  return sums;
}
