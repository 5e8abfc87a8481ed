import { Injectable } from '@nestjs/common';
import { Kafka, Message } from 'kafkajs';
import {
  AlertRule,
  encodeForwardedMatch,
  evaluationFingerprint,
  forwardedMatchKey,
} from '@app/contracts';
import { EngineEvent, RuleRouter } from '@app/engine';
import { IdempotentPublisher } from '@app/kafka';
import { RecordOrigin } from '../evaluation/evaluation-route';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { groupsByPartitionKey, RepartitionTopic } from './repartition-topic';

/**
 * The replica that reads an event passes its matches of rules not grouped by source on to
 * `alerting-repartition`, keyed by rule and group key, where the replica owning that key's
 * partition holds the window. A match carries what the window needs (no payload: the key is
 * computed here), the rule version it was made under, and its origin on `events`.
 */
@Injectable()
export class MatchForwarder {
  private readonly router = new RuleRouter();
  private readonly fingerprints = new Map<string, string>();
  private readonly publisher: IdempotentPublisher;

  constructor(
    kafka: Kafka,
    private readonly topic: RepartitionTopic,
    private readonly metrics: AlertingMetrics,
  ) {
    this.publisher = new IdempotentPublisher(kafka, { name: 'MatchForwarder' });
  }

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }

  /**
   * A rule changed (null: deleted). Returns true when its matches are made anew (the rule
   * starts over): the caller reads the look-back again to forward them.
   */
  ruleChanged(ruleId: string, rule: AlertRule | null): boolean {
    if (!rule || groupsByPartitionKey(rule)) {
      this.router.deleteRule(ruleId);
      this.fingerprints.delete(ruleId);
      return false;
    }
    this.fingerprints.set(ruleId, evaluationFingerprint(rule));
    return this.router.setRule(rule);
  }

  /** The records forwarding the event's matches, for the rules `forwards` accepts. */
  matches(
    event: EngineEvent,
    origin: RecordOrigin,
    forwards: (ruleId: string) => boolean,
  ): Message[] {
    const messages: Message[] = [];
    for (const { rule, groupKey } of this.router.route(event)) {
      if (!forwards(rule.id)) continue;
      const value = encodeForwardedMatch({
        ruleId: rule.id,
        fingerprint: this.fingerprints.get(rule.id)!,
        groupKey,
        event: {
          id: event.id,
          type: event.type,
          source: event.source,
          severity: event.severity,
          occurredAt: event.occurredAt,
          value: event.value,
        },
        origin: { partition: origin.partition, offset: origin.message.offset },
      });
      messages.push({
        key: forwardedMatchKey(rule.id, groupKey),
        value,
        partition: this.topic.partitionOf(rule.id, groupKey),
        // The event's own: a rebuild's look-back on this topic reaches the same events as on `events`.
        timestamp: origin.message.timestamp,
      });
    }
    return messages;
  }

  /** Resolves once the broker has every record (acks from all in-sync replicas). */
  async send(messages: Message[]): Promise<void> {
    await this.publisher.send(this.topic.name, messages);
    this.metrics.forwardedMatches.inc(messages.length);
  }
}
