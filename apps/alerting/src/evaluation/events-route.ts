import { LoggerService } from '@nestjs/common';
import { KafkaMessage, Message } from 'kafkajs';
import { AlertRule, keyedEventIds, Topic, topicName } from '@app/contracts';
import { EngineEvent } from '@app/engine';
import { AlertingConfig } from '../alerting.config';
import { EventDecoder } from '../decoding/event-decoder';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { MatchForwarder } from '../repartition/match-forwarder';
import { groupsByPartitionKey } from '../repartition/repartition-topic';
import { EvaluationRoute, RecordOrigin, RoutedEvent } from './evaluation-route';

/**
 * `events` in the group ALERTING_GROUP_ID: the windows of rules grouped by source are held
 * here (a source's events share a partition), and the matches of every other rule are
 * forwarded to the repartition topic.
 */
export class EventsRoute implements EvaluationRoute {
  readonly name = 'Evaluation';
  readonly topic: string;
  readonly groupId: string;
  private readonly decoder: EventDecoder;

  constructor(
    config: AlertingConfig,
    private readonly metrics: AlertingMetrics,
    private readonly forwarder: MatchForwarder,
    logger: LoggerService,
  ) {
    this.topic = topicName(Topic.Events, config.kafkaTopicPrefix);
    this.groupId = config.groupId;
    this.decoder = new EventDecoder(
      this.topic,
      keyedEventIds(config.eventIdSecret),
      metrics,
      logger,
    );
  }

  readyLine(rebuildMs: number, keys: number): string {
    return `windows ready: rebuilt in ${rebuildMs} ms, ${keys} keys`;
  }

  holds(rule: AlertRule): boolean {
    return groupsByPartitionKey(rule);
  }

  reset(): void {}

  ruleChanged(ruleId: string, rule: AlertRule | null): boolean {
    return this.forwarder.ruleChanged(ruleId, rule);
  }

  ruleRestarted(): void {}

  decode(message: KafkaMessage, partition: number): RoutedEvent | undefined {
    const event = this.decoder.decode(message, partition);
    return event && { event };
  }

  forward(
    event: EngineEvent,
    origin: RecordOrigin,
    forwards: (ruleId: string) => boolean,
  ): Message[] {
    return this.forwarder.matches(event, origin, forwards);
  }

  send(messages: Message[]): Promise<void> {
    return this.forwarder.send(messages);
  }

  evaluated(records: number): void {
    this.metrics.eventsEvaluated.inc(records);
  }
}
