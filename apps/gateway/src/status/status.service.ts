import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Admin, Kafka } from 'kafkajs';
import {
  countRecordsSince,
  fetchGroupLag,
  KafkaHealthIndicator,
  TopicLag,
  withTimeout,
} from '@app/kafka';
import { SharedCheck } from '@app/observability';
import { GatewayConfig } from '../gateway.config';
import { AlertingStatusFollower } from '../rules/alerting-status-follower';
import { deadLetterTopics, ProductGroup, productGroups } from './product-groups';
import { productVersion } from './product-version';
import {
  assembleStatus,
  DependencyStatus,
  dependencyStatus,
  groupLagStatus,
  Outcome,
  outcomeOf,
  StatusAnswer,
  TopicRecordCount,
} from './status-answer';
import { StatusRepository } from './status.repository';

/** How long one answer serves every caller: dashboards in many tabs cost one round per 2 s. */
export const STATUS_CACHE_MS = 2000;
/** Every part runs at once and is bounded by this, so a dead dependency answers in ~2 s. */
export const STATUS_PART_TIMEOUT_MS = 1500;
const DEAD_LETTER_WINDOW_MS = 3600_000;

interface KafkaParts {
  lags: Outcome<TopicLag[]>[];
  deadLetters: Outcome<TopicRecordCount[]>;
}

/**
 * GET /api/status: the health checks' view of PostgreSQL and Kafka, the lag of every group
 * the product runs, and a few counts, gathered at most once per STATUS_CACHE_MS. Kafka is
 * asked through one admin client kept for the life of the process.
 */
@Injectable()
export class StatusService implements OnModuleDestroy {
  private readonly version = productVersion();
  private readonly groups: ProductGroup[];
  private readonly deadLetterTopics: string[];
  private readonly answer = new SharedCheck(() => this.gather(), STATUS_CACHE_MS);
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    config: GatewayConfig,
    private readonly kafkaHealth: KafkaHealthIndicator,
    private readonly databaseHealth: TypeOrmHealthIndicator,
    private readonly repository: StatusRepository,
    private readonly alerting: AlertingStatusFollower,
  ) {
    this.groups = productGroups(config);
    this.deadLetterTopics = deadLetterTopics(config.kafkaTopicPrefix);
  }

  get(): Promise<StatusAnswer> {
    return this.answer.get();
  }

  private async gather(): Promise<StatusAnswer> {
    const generatedAt = new Date();
    const deadLettersSince = new Date(generatedAt.getTime() - DEAD_LETTER_WINDOW_MS);
    const [kafka, database, counts, kafkaParts] = await Promise.all([
      timedCheck('kafka', () => this.kafkaHealth.check('kafka', STATUS_PART_TIMEOUT_MS)),
      timedCheck('database', async () =>
        this.databaseHealth.pingCheck('database', { timeout: STATUS_PART_TIMEOUT_MS }),
      ),
      outcomeOf(withTimeout(this.repository.counts(this.fileRules()), STATUS_PART_TIMEOUT_MS)),
      this.kafkaParts(deadLettersSince.getTime()),
    ]);
    return assembleStatus({
      version: this.version,
      generatedAt,
      dependencies: [database, kafka],
      consumerLag: this.groups.map((group, i) => groupLagStatus(group, kafkaParts.lags[i])),
      counts,
      deadLettersSince,
      deadLetters: kafkaParts.deadLetters,
    });
  }

  /** The rules of alerting's rules file, as its replicas last reported them. */
  private fileRules(): { id: string; enabled: boolean }[] {
    return this.alerting.snapshot().fileRules.map(({ rule }) => ({
      id: rule.id,
      enabled: rule.enabled,
    }));
  }

  /** Lags and dead-letter counts, or the same reason for all when Kafka cannot be asked. */
  private async kafkaParts(sinceMs: number): Promise<KafkaParts> {
    try {
      return await withTimeout(this.askKafka(sinceMs), STATUS_PART_TIMEOUT_MS);
    } catch (error) {
      // Start from a fresh connection next time rather than reuse a broken one.
      const admin = this.admin;
      this.admin = undefined;
      void admin?.disconnect().catch(() => undefined);
      const failed = { ok: false as const, reason: (error as Error).message };
      return { lags: this.groups.map(() => failed), deadLetters: failed };
    }
  }

  private async askKafka(sinceMs: number): Promise<KafkaParts> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    await admin.connect();
    // A topic no service has created yet (alerting never ran) would keep kafkajs retrying.
    const existing = new Set(await admin.listTopics());
    const present = (topics: string[]): string[] => topics.filter((t) => existing.has(t));
    const [lags, deadLetters] = await Promise.all([
      Promise.all(
        this.groups.map((group) =>
          outcomeOf(fetchGroupLag(admin, group.groupId, present(group.topics))),
        ),
      ),
      outcomeOf(
        Promise.all(
          present(this.deadLetterTopics).map(async (topic) => ({
            topic,
            count: Number(await countRecordsSince(admin, topic, sinceMs)),
          })),
        ),
      ),
    ]);
    return { lags, deadLetters };
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

/** A terminus check as a dependency entry with its latency; bounded even if the check is not. */
async function timedCheck(
  name: string,
  check: () => Promise<HealthIndicatorResult>,
): Promise<DependencyStatus> {
  const started = performance.now();
  const result = await withTimeout(check(), STATUS_PART_TIMEOUT_MS).catch(
    (error: Error): HealthIndicatorResult => ({
      [name]: { status: 'down', message: error.message },
    }),
  );
  return dependencyStatus(name, result, performance.now() - started);
}
