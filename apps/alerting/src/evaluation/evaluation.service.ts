import { Injectable, Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  AlertRule,
  decodeEventMessage,
  EventIdDeriver,
  keyedEventIds,
  LifecycleMessage,
  Topic,
  topicName,
} from '@app/contracts';
import { BatchAbandoned, BatchContext, DependencyRetrier } from '@app/resilience';
import { AlertingConfig } from '../alerting.config';
import { decodeOrSkip } from '../kafka/decode-or-skip';
import { AlertEngine, Transition } from '@app/engine';
import {
  ConsumerStallMonitor,
  kafkaRetrier,
  OffsetCommitter,
  OffsetTracker,
  ReplaceableConsumer,
  untilStopped,
} from '@app/kafka';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from '../notifications/notification.publisher';
import { CatalogChange, FILE_POSITION, RuleCatalog } from '../rules/rule-catalog.service';
import { CatchUpRegions } from './catch-up-regions';
import { toEngineEvent } from './engine-event';
import { lookbackMs, planReplay, rulesPositionMetadata } from './replay-plan';
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
/** A rule at its key cap is named in the log at most this often (the counter has every event). */
const KEY_CAP_WARNING_MS = 60_000;
/** How often resolved incidents nothing decides on any more are dropped from the book. */
const INCIDENT_SWEEP_MS = 60_000;

/**
 * Evaluates `events` in a consumer group: replicas split the partitions and each owns the
 * windows of the keys on its partitions. On every assignment the windows are rebuilt from
 * scratch by replaying the look-back (longest window + grace) of the assigned partitions,
 * then evaluation resumes at the committed offset; the wall-clock tick is held until the
 * rebuild is done. The replay is silent only for what was evaluated before: events below the
 * committed offset, for the rule versions the commit was made under (its metadata names the
 * alert-rules position). A rule that starts over while partitions are owned catches up on
 * the look-back alone (CatchUpRegions). Offsets are committed after the batch's lifecycle
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
  /** The consumer's derivation: incidents must name id-less events by their stored ids. */
  private readonly eventIds: EventIdDeriver;
  private engine: AlertEngine;
  private rebuild: Promise<void> = Promise.resolve();
  /** Partitions still replaying, and the offset where each resumes normal evaluation. */
  private readonly resumeAt = new Map<number, bigint>();
  private rebuildStartedAt = 0;
  /** Per partition, from the rebuild plan: below `below`, rule versions up to `knownRules` replay silently. */
  private readonly silence = new Map<number, { below: bigint; knownRules: number }>();
  /** Per rule id, the alert-rules position of the record its current evaluation started with. */
  private readonly versions = new Map<string, number>();
  /** The newest alert-rules position applied to the engine. */
  private rulesPosition = FILE_POSITION;
  /** While catch-ups wait to start: the rules position every rule had caught up to before. */
  private pendingCatchUps = 0;
  private rulesBeforePending = FILE_POSITION;
  private readonly catchUps = new CatchUpRegions();
  /** Per partition, the next offset evaluation reads. */
  private readonly positions = new Map<number, bigint>();
  /** Batches being evaluated: a catch-up waits for them before it moves partitions back. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Bumped by every assignment: a catch-up planned for the previous one is moot. */
  private generation = 0;
  private owned: number[] = [];
  private ticker?: NodeJS.Timeout;
  private stopping = false;
  private ticking = false;
  private readonly untilStopped = untilStopped(() => this.stopping);
  /** When each rule at its key cap was last named in the log. */
  private readonly keyCapWarnedAt = new Map<string, number>();
  private lastIncidentSweep = 0;

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
    this.eventIds = keyedEventIds(config.eventIdSecret);
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
      (partition) => rulesPositionMetadata(this.caughtUpRulesPosition(partition)),
    );
    metrics.windowStats = () => this.engine.stats();
    metrics.keysByRule = () => this.engine.keysByRule();
    catalog.onChange((change) => this.applyRuleChange(change));
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
      maxKeysPerRule: this.config.maxKeysPerRule,
      // A firing key nobody needs (no incident open: suppressed, resolved by hand) goes as
      // soon as its window is empty, not after the idle TTL.
      holdsFiringKey: (ruleId, groupKey) => this.transitions.hasOpenIncident(ruleId, groupKey),
    });
    for (const rule of this.catalog?.all() ?? []) engine.setRule(rule, since);
    return engine;
  }

  private applyRuleChange({ ruleId, rule, position }: CatalogChange): void {
    const rulesBefore = this.rulesPosition;
    this.rulesPosition = Math.max(this.rulesPosition, position);
    if (!rule) {
      this.engine.deleteRule(ruleId);
      this.versions.delete(ruleId);
      return;
    }
    if (!this.engine.setRule(rule, Date.now())) return;
    this.versions.set(ruleId, position);
    // Without partitions there is nothing evaluated yet: the next assignment's rebuild has it.
    if (this.owned.length > 0) this.scheduleCatchUp(rule, rulesBefore);
  }

  /** The alert-rules position up to which every rule version evaluated the partition's events. */
  private caughtUpRulesPosition(partition: number): number {
    const settled = this.pendingCatchUps > 0 ? this.rulesBeforePending : this.rulesPosition;
    return Math.min(settled, this.catchUps.rulesBefore(partition) ?? Infinity);
  }

  private scheduleCatchUp(rule: AlertRule, rulesBefore: number): void {
    if (this.pendingCatchUps++ === 0) this.rulesBeforePending = rulesBefore;
    const generation = this.generation;
    // Chained on the rebuild gate: batches wait for it, so none runs while partitions move.
    this.rebuild = this.rebuild
      .then(() => this.catchUp(rule, generation, this.rulesBeforePending))
      .catch((error: Error) =>
        this.logger.error(`rule ${rule.id} did not catch up on recent events: ${error.message}`),
      )
      .finally(() => this.pendingCatchUps--);
  }

  /**
   * The rule evaluates the look-back this replica had already evaluated without it: its
   * events count from the rule's activation, including those that arrived before the rule.
   */
  private async catchUp(rule: AlertRule, generation: number, rulesBefore: number): Promise<void> {
    const since = Date.now() - lookbackMs([rule.window.seconds], this.config.graceMs);
    const partitions = this.owned;
    const offsets = await this.retrier.run('kafka', this.untilStopped, () =>
      this.rebuilder.offsets(this.topic, partitions, since),
    );
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (generation !== this.generation) return;
    // Firing keys carried over from the previous version are settled now, on their empty
    // windows, so the version's own crossings (replayed next) open incidents of their own.
    if (this.resumeAt.size === 0) await this.publishTick(this.engine.tick(Date.now()));
    const sought: number[] = [];
    for (const { partition, atLookback, high } of offsets) {
      const position = this.positions.get(partition) ?? high;
      const from = atLookback >= 0n ? atLookback : high;
      const seekTo = this.catchUps.add(partition, rule.id, from, position, rulesBefore);
      if (seekTo === null) continue;
      this.client.consumer.seek({ topic: this.topic, partition, offset: seekTo.toString() });
      this.positions.set(partition, seekTo);
      sought.push(partition);
    }
    if (sought.length > 0)
      this.logger.log(`rule ${rule.id} catching up on partitions [${sought.join(', ')}]`);
  }

  private publishTick(transitions: Transition[]): Promise<void> {
    const messages = this.transitions.handle(transitions, new Date());
    return this.publish(messages, this.untilStopped);
  }

  private async startRebuild(partitions: number[]): Promise<void> {
    const started = Date.now();
    const lookback = this.lookbackMs();
    this.generation++;
    this.resumeAt.clear();
    this.silence.clear();
    this.positions.clear();
    this.catchUps.clear();
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
      this.silence.set(plan.partition, { below: plan.silentBelow, knownRules: plan.knownRules });
      this.positions.set(plan.partition, plan.replayFrom);
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

  /** How far back a rebuild replays: the longest window plus the grace. */
  private lookbackMs(): number {
    return lookbackMs(
      this.catalog.all().map((rule) => rule.window.seconds),
      this.config.graceMs,
    );
  }

  /** `clientGeneration`: which kafkajs consumer fetched the batch (it is replaced on a stall). */
  private async processBatch(payload: EachBatchPayload, clientGeneration: number): Promise<void> {
    await this.waitForRebuildPlan(payload);
    // A seek is pending for this partition: kafkajs fetches again from the new offset.
    if (payload.isStale() || payload.batch.messages.length === 0) return;
    const work = this.evaluateBatch(payload, clientGeneration);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async evaluateBatch(payload: EachBatchPayload, clientGeneration: number): Promise<void> {
    const { batch } = payload;
    const stopTimer = this.metrics.evaluationLatency.startTimer();
    const now = Date.now();
    const resumeAt = this.resumeAt.get(batch.partition);
    const silence = this.silence.get(batch.partition);
    const transitions: Transition[] = [];
    let replayed = 0;
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      const onlyRules = this.catchUps.rulesFor(batch.partition, offset);
      if (onlyRules?.size === 0) continue;
      const decoded = decodeOrSkip(
        () =>
          decodeEventMessage(
            { ...message, topic: batch.topic, partition: batch.partition },
            EVALUATION_LIMITS,
            this.eventIds,
          ),
        {
          metrics: this.metrics,
          logger: this.logger,
          reason: 'undecodable',
          what: `event at offset ${message.offset} (partition ${batch.partition})`,
        },
      );
      if (!decoded) continue;
      if (!decoded.ok) {
        this.metrics.eventsSkipped.inc({ reason: 'invalid' });
        continue;
      }
      const result = this.engine.offer(toEngineEvent(decoded.event), now, onlyRules ?? undefined);
      for (const { ruleId, outcome } of result.outcomes) {
        this.metrics.ruleOutcomes.inc({ outcome });
        if (outcome === 'refused') this.keyRefused(ruleId, now);
      }
      if (resumeAt !== undefined && offset < resumeAt) replayed++;
      // Caught-up rules are new versions: nothing they decide was published before.
      const evaluatedBefore = onlyRules === null && silence !== undefined && offset < silence.below;
      for (const transition of result.transitions) {
        if (evaluatedBefore && this.versionOf(transition.ruleId) <= silence.knownRules) continue;
        transitions.push(transition);
      }
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
        this.client.isCurrent(clientGeneration),
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
      this.positions.set(batch.partition, next);
      this.metrics.rebuildReplayed.inc(replayed);
      if (resumeAt !== undefined && next >= resumeAt) this.finishReplay(batch.partition);
      if (this.catchUps.reached(batch.partition, next))
        this.logger.log(`partition ${batch.partition} caught up`);
    } catch (error) {
      if (!(error instanceof BatchAbandoned)) throw error;
      this.logger.warn(`${error.message} (partition ${batch.partition})`);
    }
  }

  private publish(messages: LifecycleMessage[], context: BatchContext): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.retrier.run('kafka', context, () => this.publisher.lifecycle(messages));
  }

  private keyRefused(ruleId: string, now: number): void {
    this.metrics.keysRefused.inc({ rule: ruleId });
    const warnedAt = this.keyCapWarnedAt.get(ruleId);
    if (warnedAt !== undefined && now - warnedAt < KEY_CAP_WARNING_MS) return;
    this.keyCapWarnedAt.set(ruleId, now);
    this.logger.warn(
      `rule ${ruleId} tracks ${this.config.maxKeysPerRule} group keys (ALERTING_MAX_KEYS_PER_RULE): events for new keys are not evaluated`,
    );
  }

  private versionOf(ruleId: string): number {
    return this.versions.get(ruleId) ?? FILE_POSITION;
  }

  private async waitForRebuildPlan(payload: EachBatchPayload): Promise<void> {
    const heartbeat = setInterval(() => void payload.heartbeat().catch(() => undefined), 1000);
    try {
      // A catch-up may be chained on while this batch waited: it waits for that one too.
      for (let gate = this.rebuild; ; gate = this.rebuild) {
        await gate;
        if (gate === this.rebuild) break;
      }
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
    const now = Date.now();
    if (now - this.lastIncidentSweep >= INCIDENT_SWEEP_MS) {
      this.lastIncidentSweep = now;
      this.transitions.forgetStaleIncidents(now, this.lookbackMs());
    }
    this.tickInChunks(this.engine, now)
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
      for (const [rule, evicted] of engine.takeEvictedKeys()) {
        this.metrics.keysEvicted.inc({ rule }, evicted);
      }
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
