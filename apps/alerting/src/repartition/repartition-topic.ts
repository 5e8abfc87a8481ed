import { Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { AlertRule, forwardedMatchPartition, Topic, topicName } from '@app/contracts';
import { WHOLE_RULE_KEY } from '@app/engine';
import { AlertingConfig } from '../alerting.config';

/**
 * Events are keyed by source, so the windows of a rule that groups by source are all on the
 * events partitions of their sources. Any other grouping (`none`, a payload path) collects
 * events from every partition: their matches go through the repartition topic.
 */
export function groupsByPartitionKey(rule: AlertRule): boolean {
  return rule.groupBy === 'source';
}

/**
 * The `alerting-repartition` topic as it is on the broker: its name, and its partition count,
 * read once at start-up (ensureTopics leaves an existing topic's count alone, and every
 * replica must route a (rule, key) to the same partition).
 */
@Injectable()
export class RepartitionTopic {
  readonly name: string;
  private count?: number;

  constructor(
    private readonly kafka: Kafka,
    config: AlertingConfig,
  ) {
    this.name = topicName(Topic.AlertingRepartition, config.kafkaTopicPrefix);
  }

  async load(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [this.name] });
      this.count = metadata.topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
    new Logger('Repartition').log(`${this.name} has ${this.count} partitions`);
  }

  get partitions(): number {
    if (this.count === undefined) throw new Error(`${this.name} not loaded yet`);
    return this.count;
  }

  partitionOf(ruleId: string, groupKey: string): number {
    return forwardedMatchPartition(ruleId, groupKey, this.partitions);
  }

  /**
   * Whether the replica owning `owned` holds the rule's windows there: every forwarded rule
   * may have keys on any partition, except that a `groupBy: none` rule has one key, whose
   * window (it exists before any event: "fewer than" rules fire on silence) only its
   * partition's owner holds.
   */
  holds(rule: AlertRule, owned: readonly number[]): boolean {
    if (groupsByPartitionKey(rule)) return false;
    if (rule.groupBy !== 'none') return true;
    // Nothing owned yet (rules from the file arrive before the first assignment): not held.
    return owned.length > 0 && owned.includes(this.partitionOf(rule.id, WHOLE_RULE_KEY));
  }
}
