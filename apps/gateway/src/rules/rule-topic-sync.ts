import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { AlertRule, Topic } from '@app/contracts';
import { TopicFollower } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';
import { TopicPublisher } from '../kafka/topic-publisher';
import { RulesRepository } from './rules.repository';

/** The value the alerting app reads for a rule (decodeRuleMessage), or null for a tombstone. */
export const ruleMessage = (id: string, rule: AlertRule | null) => ({
  key: id,
  value: rule === null ? null : JSON.stringify(rule),
});

/**
 * The table is the gateway's truth and `alert-rules` its copy. Every change publishes the new
 * value inside the change's transaction; a publish whose commit then failed, or a topic edited
 * by hand, is put right here at start-up: rules missing or different on the topic are
 * published again, and topic keys with no row get a tombstone.
 */
@Injectable()
export class RuleTopicSync implements OnApplicationBootstrap {
  private readonly logger = new Logger(RuleTopicSync.name);

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: TopicPublisher,
    private readonly rules: RulesRepository,
    private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const onTopic = await this.readTopic();
    const messages = [];
    const stored = await this.rules.all();
    for (const row of stored) {
      const value = JSON.stringify(row.definition);
      if (onTopic.get(row.id) !== value) messages.push({ key: row.id, value });
    }
    const ids = new Set(stored.map((row) => row.id));
    for (const [id, value] of onTopic) {
      if (value !== null && !ids.has(id)) messages.push(ruleMessage(id, null));
    }
    if (messages.length > 0) await this.publisher.send(Topic.AlertRules, messages);
    this.logger.log(
      `alert-rules agrees with the table: ${stored.length} rules, ${messages.length} records published to fix the topic`,
    );
  }

  /** The latest value of every key on the topic (null: tombstoned). */
  private async readTopic(): Promise<Map<string, string | null>> {
    const latest = new Map<string, string | null>();
    const follower = new TopicFollower(this.kafka, {
      topic: this.publisher.topic(Topic.AlertRules),
      // Prefixed like the gateway's other groups, so one ACL prefix covers a deployment's groups.
      groupPrefix: `${this.config.kafkaTopicPrefix}gateway-rule-sync`,
      onMessage: (message) => {
        if (message.key)
          latest.set(String(message.key), message.value ? String(message.value) : null);
      },
    });
    await follower.start();
    try {
      await follower.caughtUp;
    } finally {
      await follower.stop();
    }
    return latest;
  }
}
