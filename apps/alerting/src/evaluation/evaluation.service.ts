import { Injectable, Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { decodeEventMessage, LifecycleMessage, Topic, topicName } from '@app/contracts';
import { BatchAbandoned, BatchContext, DependencyRetrier } from '@app/resilience';
import { AlertingConfig } from '../alerting.config';
import { kafkaRetrier, untilStopped } from '../kafka/kafka-retrier';
import { OffsetCommitter } from '../kafka/offset-committer';
import { OffsetTracker } from '../kafka/offset-tracker';
import { AlertEngine, Transition } from '@app/engine';
import { ConsumerStallMonitor, ReplaceableConsumer } from '@app/kafka';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from '../notifications/notification.publisher';
import { RuleCatalog } from '../rules/rule-catalog.service';
import { toEngineEvent } from './engine-event';
import { lookbackMs, planReplay } from './replay-plan';
import { TransitionHandler } from './transition-handler';
import { WindowRebuilder } from './window-rebuilder';

/**
 * Size limits are the consumer's to enforce (it dead-letters oversized events); alerting
 * evaluates whatever the consumer could have accepted, so its own limits are generous.
 */
const COMMIT_INTERVAL_MS = 250;
/** Keys evaluated per turn of the event loop during a tick (a few milliseconds of work). */
const TICK_CHUNK_KEYS = 2000;
const EVALUATION_LIMITS = { maxMessageBytes: 16 * 1024 * 1024, maxPayloadBytes: 16 * 1024 * 1024 };

/**
 * Evaluates `events` in a consumer group: replicas split the partitions and each owns the
 * windows of the keys on its partitions. On every assignment the windows are rebuilt from
 * scratch by replaying the look-back (longest window + grace) of the assigned partitions
 * without emitting, then evaluation resumes at the committed offset; the wall-clock tick is
 * held until the rebuild is done. Offsets are committed after the batch's lifecycle
 * messages are on the topic, so a crash re-evaluates the batch, and the incident ledger
 * plus deterministic incident ids absorb the repeat.
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger('Evaluation');
  private readonly client: ReplaceableConsumer;
  private readonly topic: string;
  private readonly retrier: DependencyRetrier;
  private readonly offsets = new OffsetTracker();
  private readonly committer: OffsetCommitter;
  private engine: AlertEngine;
  private rebuild: Promise<void> = Promise.resolve();
  /** Partitions still replaying, and the offset where each resumes normal evaluation. */
  private readonly resumeAt = new Map<number, bigint>();
  private rebuildStartedAt = 0;
  private owned: number[] = [];
  private ticker?: NodeJS.Timeout;
  private stopping = false;
  private ticking = false;
  private readonly untilStopped = untilStopped(() => this.stopping);

  constructor(
    kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly catalog: RuleCatalog,
    private readonly rebuilder: WindowRebuilder,
    private readonly transitions: TransitionHandler,
    private readonly publisher: NotificationPublisher,
    private readonly metrics: AlertingMetrics,
    private readonly stallMonitor: ConsumerStallMonitor,
  ) {
    this.topic = topicName(Topic.Events, config.kafkaTopicPrefix);
    this.engine = this.newEngine(Date.now());
    this.client = new ReplaceableConsumer(
      (retry) =>
        kafka.consumer({
          retry,
          groupId: config.groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: config.sessionTimeoutMs,
          heartbeatInterval: Math.min(3000, Math.floor(config.sessionTimeoutMs / 3)),
          maxWaitTimeInMs: 50,
        }),
      (consumer, generation) => this.run(consumer, generation),
      this.logger,
    );
    this.retrier = kafkaRetrier(this.logger, 'publishing incidents');
    this.committer = new OffsetCommitter(
      () => this.client.consumer,
      this.topic,
      this.offsets,
      this.logger,
    );
    metrics.windowStats = () => this.engine.stats();
    catalog.onChange(({ ruleId, rule }) => {
      if (rule) this.engine.setRule(rule, Date.now());
      else this.engine.deleteRule(ruleId);
    });
  }

  async start(): Promise<void> {
    await this.client.start();
    this.ticker = setInterval(() => this.tick(), this.config.tickMs);
    this.committer.start(COMMIT_INTERVAL_MS);
    this.stallMonitor.watch({
      name: 'Evaluation',
      groupId: this.config.groupId,
      topics: [this.topic],
      recover: () => this.client.replace(),
    });
  }

  private async run(consumer: Consumer, generation: number): Promise<void> {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.owned = payload.memberAssignment[this.topic] ?? [];
      // Every assignment starts from the group's commits: progress not yet committed is replayed.
      this.committer.forget(this.offsets.partitions());
      // Set synchronously: the first batch after the join must wait for the rebuild plan.
      this.rebuild = this.startRebuild(this.owned);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping && this.client.isCurrent(generation)) {
        this.logger.fatal(`Kafka consumer crashed and will not restart: ${payload.error.message}`);
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Batches of other partitions proceed while one waits for its incidents to be published;
      // the engine itself is only touched synchronously, so they never interleave inside it.
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.processBatch(payload, generation),
    });
    this.logger.log(`evaluating ${this.topic} as group ${this.config.groupId}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.client.markStopped();
    if (this.ticker) clearInterval(this.ticker);
    await this.client.consumer.stop();
    this.committer.stop();
    await this.committer.flush();
    await this.client.consumer.disconnect();
  }

  private newEngine(since: number): AlertEngine {
    const engine = new AlertEngine({
      graceMs: this.config.graceMs,
      maxFutureSkewMs: this.config.maxFutureSkewMs,
      idleKeyTtlMs: this.config.keyIdleTtlMs,
    });
    for (const rule of this.catalog?.all() ?? []) engine.setRule(rule, since);
    return engine;
  }

  private async startRebuild(partitions: number[]): Promise<void> {
    const started = Date.now();
    const lookback = lookbackMs(
      this.catalog.all().map((rule) => rule.window.seconds),
      this.config.graceMs,
    );
    this.resumeAt.clear();
    this.engine = this.newEngine(started - lookback);
    this.rebuildStartedAt = started;
    this.metrics.rebuilds.inc();
    if (partitions.length === 0) return;
    // Retried like any Kafka call: a rejected plan would fail every batch until a restart.
    const offsets = await this.retrier.run('kafka', this.untilStopped, () =>
      this.rebuilder.offsets(this.topic, partitions, started - lookback),
    );
    for (const plan of planReplay(offsets)) {
      if (plan.replayFrom < plan.resumeAt) this.resumeAt.set(plan.partition, plan.resumeAt);
      this.client.consumer.seek({
        topic: this.topic,
        partition: plan.partition,
        offset: plan.replayFrom.toString(),
      });
    }
    this.logger.log(
      `partitions [${partitions.join(', ')}] assigned: rebuilding windows from the last ${Math.round(lookback / 1000)} s`,
    );
    if (this.resumeAt.size === 0) this.windowsReady();
  }

  private async processBatch(payload: EachBatchPayload, generation: number): Promise<void> {
    const { batch } = payload;
    await this.waitForRebuildPlan(payload);
    // A seek is pending for this partition: kafkajs fetches again from the new offset.
    if (payload.isStale() || batch.messages.length === 0) return;
    const stopTimer = this.metrics.evaluationLatency.startTimer();
    const now = Date.now();
    const resumeAt = this.resumeAt.get(batch.partition);
    const transitions: Transition[] = [];
    let replayed = 0;
    for (const message of batch.messages) {
      const decoded = decodeEventMessage(
        { ...message, topic: batch.topic, partition: batch.partition },
        EVALUATION_LIMITS,
      );
      if (!decoded.ok) {
        this.metrics.eventsSkipped.inc({ reason: 'invalid' });
        continue;
      }
      const replaying = resumeAt !== undefined && BigInt(message.offset) < resumeAt;
      const result = this.engine.offer(toEngineEvent(decoded.event), now);
      for (const { outcome } of result.outcomes) this.metrics.ruleOutcomes.inc({ outcome });
      if (replaying) replayed++;
      else transitions.push(...result.transitions);
    }
    this.metrics.eventsEvaluated.inc(batch.messages.length);
    const messages = this.transitions.handle(transitions, new Date(now));
    stopTimer();
    const context: BatchContext = {
      heartbeat: () => payload.heartbeat(),
      isActive: () =>
        payload.isRunning() &&
        !payload.isStale() &&
        !this.stopping &&
        this.client.isCurrent(generation),
    };
    try {
      await this.publish(messages, context);
      const next = BigInt(batch.lastOffset()) + 1n;
      // Resolving moves kafkajs' fetch position on (without it the batch comes back).
      payload.resolveOffset(batch.lastOffset());
      // Committed every COMMIT_INTERVAL_MS, always after this batch's incidents are on the
      // topic. Replayed offsets lie below the group's commit, which must not move back.
      if (resumeAt === undefined || next > resumeAt) {
        this.offsets.completed(batch.partition, batch.lastOffset());
      }
      await payload.heartbeat();
      this.metrics.rebuildReplayed.inc(replayed);
      if (resumeAt !== undefined && next >= resumeAt) this.finishReplay(batch.partition);
    } catch (error) {
      if (!(error instanceof BatchAbandoned)) throw error;
      this.logger.warn(`${error.message} (partition ${batch.partition})`);
    }
  }

  private publish(messages: LifecycleMessage[], context: BatchContext): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.retrier.run('kafka', context, () => this.publisher.lifecycle(messages));
  }

  private async waitForRebuildPlan(payload: EachBatchPayload): Promise<void> {
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), 1000);
    try {
      await this.rebuild;
    } finally {
      clearInterval(heartbeat);
    }
  }

  private finishReplay(partition: number): void {
    this.resumeAt.delete(partition);
    if (this.resumeAt.size === 0) this.windowsReady();
  }

  private windowsReady(): void {
    this.logger.log(
      `windows ready: rebuilt in ${Date.now() - this.rebuildStartedAt} ms, ${this.engine.stats().keys} keys`,
    );
  }

  /** The wall clock moves windows on with no events: "fewer than" rules fire on silence. */
  private tick(): void {
    if (this.ticking || this.stopping || this.resumeAt.size > 0 || this.owned.length === 0) return;
    this.ticking = true;
    this.tickInChunks(this.engine, Date.now())
      .catch((error: Error) => this.logger.error(`wall-clock tick failed: ${error.message}`))
      .finally(() => (this.ticking = false));
  }

  /**
   * Thousands of keys can fall due at once (every key of a tumbling rule at a bucket end):
   * evaluated in chunks with the event loop free in between, a large tick never holds up
   * the evaluation of incoming events for more than a few milliseconds.
   */
  private async tickInChunks(engine: AlertEngine, now: number): Promise<void> {
    for (;;) {
      const messages = this.transitions.handle(engine.tick(now, TICK_CHUNK_KEYS), new Date(now));
      if (messages.length > 0)
        void this.publish(messages, this.untilStopped).catch((error: Error) =>
          this.logger.error(`incidents from the wall-clock tick not published: ${error.message}`),
        );
      if (!engine.hasDueKeys()) return;
      await new Promise((resolve) => setImmediate(resolve));
      // A rebuild replaced the engine meanwhile: the new one ticks from scratch.
      if (engine !== this.engine || this.stopping || this.resumeAt.size > 0) return;
    }
  }
}
