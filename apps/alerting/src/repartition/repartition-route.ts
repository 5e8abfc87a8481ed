import { LoggerService } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { repartitionGroupIdOf } from '@app/config';
import { AlertRule, decodeForwardedMatch, evaluationFingerprint } from '@app/contracts';
import { AlertingConfig } from '../alerting.config';
import { decodeOrSkip } from '../decoding/decode-or-skip';
import { EvaluationRoute, RoutedEvent } from '../evaluation/evaluation-route';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { RuleCatalog } from '../rules/rule-catalog.service';
import { ForwardedDuplicates } from './forwarded-duplicates';
import { RepartitionTopic } from './repartition-topic';

/**
 * `alerting-repartition` in the group `<ALERTING_GROUP_ID>-repartition`: the windows of rules
 * not grouped by source are held here, one (rule, key) per partition, fed by the matches the
 * replicas reading `events` forward. A match counts once (a replica that reads events again
 * forwards them again), and only under the rule version that made it. A record that is not a
 * match is skipped and counted, never thrown: it would stop the partition for good.
 */
export class RepartitionRoute implements EvaluationRoute {
  readonly name = 'RepartitionEvaluation';
  readonly topic: string;
  readonly groupId: string;
  private readonly duplicates = new ForwardedDuplicates();
  /** Per rule version (the catalog's object): computed once, checked per match. */
  private readonly fingerprints = new WeakMap<AlertRule, string>();
  private owned: readonly number[] = [];

  constructor(
    config: AlertingConfig,
    private readonly catalog: Pick<RuleCatalog, 'get'>,
    private readonly repartition: RepartitionTopic,
    private readonly metrics: AlertingMetrics,
    private readonly logger: LoggerService,
  ) {
    this.topic = repartition.name;
    this.groupId = repartitionGroupIdOf(config.groupId);
  }

  readyLine(rebuildMs: number, keys: number): string {
    return `forwarded matches replayed: windows rebuilt in ${rebuildMs} ms, ${keys} keys`;
  }

  holds(rule: AlertRule, owned: readonly number[]): boolean {
    return this.repartition.holds(rule, owned);
  }

  reset(owned: readonly number[]): void {
    this.owned = owned;
    this.duplicates.clear();
  }

  ruleChanged(): boolean {
    return false;
  }

  ruleRestarted(ruleId: string): void {
    this.duplicates.forgetRule(ruleId);
  }

  decode(message: KafkaMessage, partition: number, replayed: boolean): RoutedEvent | undefined {
    const { forwardedDropped } = this.metrics;
    const what = `forwarded match at offset ${message.offset} (partition ${partition})`;
    const decoded = decodeOrSkip(() => decodeForwardedMatch(message.value), {
      metrics: this.metrics,
      logger: this.logger,
      counter: forwardedDropped,
      reason: 'undecodable',
      what,
    });
    if (!decoded) return undefined;
    if (!decoded.ok) {
      forwardedDropped.inc({ reason: 'invalid' });
      this.logger.warn(`${what} is skipped: ${decoded.reasons.join('; ')}`);
      return undefined;
    }
    const match = decoded.value;
    const rule = this.catalog.get(match.ruleId);
    if (!rule?.enabled || !this.holds(rule, this.owned)) {
      forwardedDropped.inc({ reason: 'not-held' });
      return undefined;
    }
    if (this.fingerprintOf(rule) !== match.fingerprint) {
      forwardedDropped.inc({ reason: 'rule-changed' });
      return undefined;
    }
    if (this.duplicates.isRepeat(partition, match)) {
      forwardedDropped.inc({ reason: 'duplicate' });
      return undefined;
    }
    if (!replayed) {
      this.metrics.forwardingLag.observe(
        Math.max(0, Date.now() - Number(message.timestamp)) / 1000,
      );
    }
    // Field by field, not a spread with extra properties: see EventDecoder.rawMessage.
    const { id, type, source, severity, occurredAt, value } = match.event;
    return {
      event: {
        id,
        type,
        source,
        severity,
        occurredAt,
        value,
        payload: null,
        groupKey: match.groupKey,
      },
      ruleId: match.ruleId,
    };
  }

  forward(): [] {
    return [];
  }

  send(): Promise<void> {
    return Promise.resolve();
  }

  evaluated(): void {}

  private fingerprintOf(rule: AlertRule): string {
    let fingerprint = this.fingerprints.get(rule);
    if (fingerprint === undefined) {
      fingerprint = evaluationFingerprint(rule);
      this.fingerprints.set(rule, fingerprint);
    }
    return fingerprint;
  }
}
