import { Injectable, Logger } from '@nestjs/common';
import { Kafka, KafkaMessage } from 'kafkajs';
import { AlertRule, decodeRuleMessage, Topic, topicName } from '@app/contracts';
import { TopicFollower } from '@app/kafka';
import { AlertingConfig } from '../alerting.config';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { loadRuleFile } from './rule-file';
import { RuleChange, RuleSet } from './rule-set';
import { RuleUrlChecker } from './rule-url-checker';

/**
 * A rule change and where it came from: the offset of its `alert-rules` record, or
 * FILE_POSITION for the rules file (read before the topic, at every start).
 */
export type CatalogChange = RuleChange & { position: number };
export const FILE_POSITION = -1;

/**
 * The rules in force: the predefined file, then the compacted `alert-rules` topic followed
 * from its start by every replica (no database needed to know the rules). A record that
 * fails validation or whose URLs are not allowed is logged and counted, and the previous
 * version of that rule (if any) stays in force: a rule is applied whole or not at all.
 */
@Injectable()
export class RuleCatalog {
  private readonly logger = new Logger('RuleCatalog');
  private readonly rules = new RuleSet();
  private readonly listeners: Array<(change: CatalogChange) => void> = [];
  private follower?: TopicFollower;
  private fromFile: AlertRule[] = [];
  /** Records are checked asynchronously (DNS), but must apply in topic order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly urlChecker: RuleUrlChecker,
    private readonly metrics: AlertingMetrics,
  ) {}

  /** Resolves once the file and the whole topic, as it was at start-up, are applied. */
  async start(): Promise<void> {
    if (this.config.rulesFile) {
      const fileRules = loadRuleFile(this.config.rulesFile);
      for (const rule of fileRules) {
        const reasons = await this.urlChecker.check(rule);
        if (reasons.length > 0) {
          throw new Error(`rules file rule ${rule.id} refused: ${reasons.join('; ')}`);
        }
      }
      this.fromFile = fileRules;
      this.emit(this.rules.loadFile(fileRules), FILE_POSITION);
      this.logger.log(`${fileRules.length} rules loaded from ${this.config.rulesFile}`);
    }
    this.follower = new TopicFollower(this.kafka, {
      topic: topicName(Topic.AlertRules, this.config.kafkaTopicPrefix),
      groupPrefix: `${this.config.groupId}-rules`,
      onMessage: (message) => this.enqueue(message),
    });
    await this.follower.start();
    await this.follower.caughtUp;
    await this.queue;
    this.logger.log(`${this.rules.all().length} rules in force`);
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }

  onChange(listener: (change: CatalogChange) => void): void {
    this.listeners.push(listener);
  }

  all(): AlertRule[] {
    return this.rules.all();
  }

  get(ruleId: string): AlertRule | null {
    return this.rules.get(ruleId);
  }

  /** The rules file as loaded (topic records with the same ids left aside); null without one. */
  predefined(): { path: string; rules: readonly AlertRule[] } | null {
    return this.config.rulesFile ? { path: this.config.rulesFile, rules: this.fromFile } : null;
  }

  private enqueue(message: KafkaMessage): void {
    this.queue = this.queue
      .then(() => this.apply(message))
      .catch((error: Error) => {
        // Counted like a refused rule: the previous version (if any) stays in force.
        this.metrics.rulesRejected.inc();
        this.logger.error(`rule record not applied: ${error.message}`);
      });
  }

  private async apply(message: KafkaMessage): Promise<void> {
    const key = message.key?.toString('utf8') ?? '';
    if (message.value === null) {
      if (!key) return this.reject('(no key)', ['a tombstone needs the rule id as its key']);
      this.emit([this.rules.applyTopic(key, null)], Number(message.offset));
      this.logger.log(`rule ${key} deleted`);
      return;
    }
    const decoded = decodeRuleMessage(message.value);
    if (!decoded.ok) return this.reject(key || '(no key)', decoded.reasons);
    const rule = decoded.rule;
    if (key !== rule.id) {
      return this.reject(rule.id, [`the record key ${JSON.stringify(key)} must equal the rule id`]);
    }
    const reasons = await this.urlChecker.check(rule);
    if (reasons.length > 0) return this.reject(rule.id, reasons);
    this.emit([this.rules.applyTopic(rule.id, rule)], Number(message.offset));
    this.logger.log(`rule ${rule.id} (${rule.name}) ${rule.enabled ? 'in force' : 'disabled'}`);
  }

  private reject(ruleId: string, reasons: string[]): void {
    this.metrics.rulesRejected.inc();
    const kept = this.rules.get(ruleId) ? '; the previous version stays in force' : '';
    this.logger.warn(`rule ${ruleId} rejected: ${reasons.join('; ')}${kept}`);
  }

  private emit(changes: RuleChange[], position: number): void {
    for (const change of changes)
      for (const listener of this.listeners) listener({ ...change, position });
    this.metrics.rulesLoaded.set(this.rules.all().filter((rule) => rule.enabled).length);
  }
}
