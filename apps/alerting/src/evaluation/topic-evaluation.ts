import { Logger } from '@nestjs/common';
import { Kafka, Message } from 'kafkajs';
import { AlertRule, LifecycleMessage } from '@app/contracts';
import { BatchContext, DependencyRetrier } from '@app/resilience';
import { AlertEngine } from '@app/engine';
import {
  BatchControls,
  ConsumerStallMonitor,
  kafkaRetrier,
  OffsetTracker,
  PartitionBatch,
  PartitionBatchConsumer,
  PartitionBatchHandler,
  untilStopped,
} from '@app/kafka';
import { AlertingConfig } from '../alerting.config';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from '../notifications/notification.publisher';
import { CatalogChange, RuleCatalog } from '../rules/rule-catalog.service';
import { BatchTiming } from './batch-timing';
import { CatchUpRegions } from './catch-up-regions';
import { evaluateEvents } from './evaluate-events';
import { evaluationEngine } from './evaluation-engine';
import { EvaluationRoute } from './evaluation-route';
import { KeyCapWarnings } from './key-cap-warnings';
import { RebuildGate } from './rebuild-gate';
import { ReplayProgress } from './replay-progress';
import { lookbackMs, planReplay, ruleSpanSeconds, rulesPositionMetadata } from './replay-plan';
import { RuleVersions } from './rule-versions';
import { TransitionHandler } from './transition-handler';
import { WallClockTicker } from './wall-clock-ticker';
import { WindowRebuilder } from './window-rebuilder';

/** Commits are batched: a crash replays at most this much, and the ledger absorbs the repeat. */
const COMMIT_INTERVAL_MS = 250;

/** What a TopicEvaluation works with (one set per alerting process, shared by both routes). */
export interface TopicEvaluationParts {
  kafka: Kafka;
  config: AlertingConfig;
  catalog: RuleCatalog;
  rebuilder: WindowRebuilder;
  transitions: TransitionHandler;
  publisher: NotificationPublisher;
  metrics: AlertingMetrics;
  stallMonitor: ConsumerStallMonitor;
}

/**
 * Evaluates one topic in a consumer group (the route says which, and which rules it holds):
 * replicas split the partitions and each owns the windows of the keys on its partitions. On
 * every assignment the windows are rebuilt from scratch by replaying the look-back (longest
 * window + grace) of the assigned partitions, then evaluation resumes at the committed
 * offset; the wall-clock tick is held until the rebuild is done. The replay is silent only
 * for what was evaluated before: events below the committed offset, for the rule versions
 * the commit was made under (its metadata names the alert-rules position). A rule that
 * starts over while partitions are owned catches up on the look-back alone (CatchUpRegions).
 * Offsets are committed after the batch's lifecycle messages and forwarded matches are on
 * their topics, so a crash re-evaluates the batch, and the incident ledger plus
 * deterministic incident ids (and, for forwarded matches, the holder's duplicate check)
 * absorb the repeat.
 */
export class TopicEvaluation implements PartitionBatchHandler {
  private readonly logger: Logger;
  private readonly consumer: PartitionBatchConsumer;
  private readonly config: AlertingConfig;
  private readonly catalog: RuleCatalog;
  private readonly transitions: TransitionHandler;
  private readonly metrics: AlertingMetrics;
  private readonly retrier: DependencyRetrier;
  private readonly tracker = new OffsetTracker();
  private engine: AlertEngine;
  private readonly gate = new RebuildGate();
  private readonly replay: ReplayProgress;
  private readonly rules = new RuleVersions();
  private readonly catchUps = new CatchUpRegions();
  private readonly keyCaps: KeyCapWarnings;
  private readonly ticker: WallClockTicker;
  /** Batches being evaluated: a catch-up waits for them before it moves partitions back. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Bumped by every assignment: a catch-up planned for the previous one is moot. */
  private generation = 0;
  private owned: number[] = [];
  private stopping = false;
  private readonly untilStopped = untilStopped(() => this.stopping);

  constructor(
    private readonly parts: TopicEvaluationParts,
    private readonly route: EvaluationRoute,
  ) {
    const { kafka, config, catalog, transitions, metrics } = parts;
    this.config = config;
    this.catalog = catalog;
    this.transitions = transitions;
    this.metrics = metrics;
    this.logger = new Logger(route.name);
    this.engine = this.newEngine(Date.now());
    this.retrier = kafkaRetrier(this.logger, 'publishing incidents');
    this.replay = new ReplayProgress((ms) =>
      this.logger.log(route.readyLine(ms, this.engine.stats().keys)),
    );
    this.keyCaps = new KeyCapWarnings(config.maxKeysPerRule, metrics, this.logger);
    this.ticker = new WallClockTicker({
      engine: () => this.engine,
      mayTick: () => !this.stopping && !this.replay.replaying && this.owned.length > 0,
      transitions,
      publish: (messages) => this.publish(messages, this.untilStopped),
      lookbackMs: () => this.lookbackMs(),
      metrics,
      logger: this.logger,
    });
    this.consumer = new PartitionBatchConsumer(kafka, {
      name: route.name,
      activity: 'evaluating',
      groupId: route.groupId,
      handlers: new Map([[route.topic, this]]),
      fromBeginning: false,
      fetch: {
        sessionTimeoutMs: config.sessionTimeoutMs,
        maxWaitTimeInMs: 50,
        // Batches of other partitions proceed while one waits for its incidents to be
        // published; the engine is only touched synchronously, so they never interleave in it.
        partitionsConsumedConcurrently: 3,
      },
      commit: {
        kind: 'tracked',
        tracker: this.tracker,
        intervalMs: COMMIT_INTERVAL_MS,
        metadataOf: (partition) => rulesPositionMetadata(this.caughtUpRulesPosition(partition)),
        // Every assignment starts from the group's commits: progress not yet committed is replayed.
        forgetOnAssignment: 'all',
      },
      retrier: this.retrier,
      onCrash: 'exit',
      stallMonitor: parts.stallMonitor,
    });
    catalog.onChange((change) => this.applyRuleChange(change));
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.ticker.start(this.config.tickMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.ticker.stop();
    await this.consumer.stop();
  }

  /** The window engine of the moment (a rebuild replaces it), for the gauges. */
  get windows(): Pick<
    AlertEngine,
    'stats' | 'keysByRule' | 'pendingKeysByRule' | 'windowArrayBytes'
  > {
    return this.engine;
  }

  onAssigned(partitions: number[]): void {
    this.owned = partitions;
    // Set synchronously: the first batch after the join must wait for the rebuild plan.
    this.gate.reset(this.rebuild(partitions));
  }

  async handleBatch(batch: PartitionBatch, controls: BatchControls): Promise<void> {
    await controls.heartbeatWhile(this.gate.passed());
    // A seek is pending for this partition: kafkajs fetches again from the new offset.
    if (controls.isStale()) return;
    const work = this.evaluate(batch, controls);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private newEngine(since: number): AlertEngine {
    const held = (this.catalog?.all() ?? []).filter((rule) => this.route.holds(rule, this.owned));
    return evaluationEngine(this.config, held, since, (ruleId, groupKey) =>
      this.transitions.hasOpenIncident(ruleId, groupKey),
    );
  }

  private applyRuleChange({ ruleId, rule, position }: CatalogChange): void {
    const rulesBefore = this.rules.moved(position);
    const routeStartsOver = this.route.ruleChanged(ruleId, rule);
    if (!rule) {
      this.engine.deleteRule(ruleId);
      this.rules.deleted(ruleId);
      return;
    }
    let startsOver = routeStartsOver;
    if (this.route.holds(rule, this.owned)) {
      startsOver = this.engine.setRule(rule, Date.now()) || startsOver;
    } else {
      this.engine.deleteRule(ruleId);
    }
    if (!startsOver) return;
    this.rules.started(ruleId, position);
    this.route.ruleRestarted(ruleId);
    // Without partitions there is nothing evaluated yet: the next assignment's rebuild has it.
    if (this.owned.length > 0) this.scheduleCatchUp(rule, rulesBefore);
  }

  /** The alert-rules position up to which every rule version evaluated the partition's events. */
  private caughtUpRulesPosition(partition: number): number {
    return Math.min(this.rules.settled(), this.catchUps.rulesBefore(partition) ?? Infinity);
  }

  private scheduleCatchUp(rule: AlertRule, rulesBefore: number): void {
    this.rules.catchUpQueued(rulesBefore);
    const generation = this.generation;
    // On the rebuild gate: batches wait for it, so none runs while partitions move.
    void this.gate
      .enqueue(
        () => this.catchUp(rule, generation, this.rules.catchUpBase),
        (error) =>
          this.logger.error(`rule ${rule.id} did not catch up on recent events: ${error.message}`),
      )
      .finally(() => this.rules.catchUpSettled());
  }

  /**
   * The rule evaluates the look-back this replica had already evaluated without it: its
   * events count from the rule's activation, including those that arrived before the rule.
   */
  private async catchUp(rule: AlertRule, generation: number, rulesBefore: number): Promise<void> {
    const since = Date.now() - lookbackMs([ruleSpanSeconds(rule)], this.config.graceMs);
    const partitions = this.owned;
    const offsets = await this.retrier.run('kafka', this.untilStopped, () =>
      this.parts.rebuilder.offsets(this.route.groupId, this.route.topic, partitions, since),
    );
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    if (generation !== this.generation) return;
    // Firing keys carried over from the previous version are settled now, on their empty
    // windows, so the version's own crossings (replayed next) open incidents of their own.
    if (!this.replay.replaying) {
      const settled = this.transitions.handle(this.engine.tick(Date.now()), new Date());
      await this.publish(settled, this.untilStopped);
    }
    const sought: number[] = [];
    for (const { partition, atLookback, high } of offsets) {
      const position = this.replay.position(partition) ?? high;
      const from = atLookback >= 0n ? atLookback : high;
      const seekTo = this.catchUps.add(partition, rule.id, from, position, rulesBefore);
      if (seekTo === null) continue;
      this.consumer.seek(this.route.topic, partition, seekTo);
      this.replay.sought(partition, seekTo);
      sought.push(partition);
    }
    if (sought.length > 0)
      this.logger.log(`rule ${rule.id} catching up on partitions [${sought.join(', ')}]`);
  }

  /** A new assignment: fresh windows, replayed from the look-back of the partitions assigned. */
  private async rebuild(partitions: number[]): Promise<void> {
    const lookback = this.lookbackMs();
    const since = Date.now() - lookback;
    this.generation++;
    this.replay.restart(partitions.length > 0);
    this.catchUps.clear();
    this.route.reset(partitions);
    this.engine = this.newEngine(since);
    this.metrics.rebuilds.inc();
    if (partitions.length === 0) return;
    // Retried like any Kafka call: a rejected plan would fail every batch until a restart.
    const offsets = await this.retrier.run('kafka', this.untilStopped, () =>
      this.parts.rebuilder.offsets(this.route.groupId, this.route.topic, partitions, since),
    );
    for (const plan of planReplay(offsets)) {
      this.replay.planned(plan);
      this.consumer.seek(this.route.topic, plan.partition, plan.replayFrom);
    }
    this.logger.log(
      `partitions [${partitions.join(', ')}] assigned: rebuilding windows from the last ${Math.round(lookback / 1000)} s`,
    );
    this.replay.allPlanned();
  }

  /** How far back a rebuild replays: the longest window (+ forSeconds) plus the grace. */
  private lookbackMs(): number {
    return lookbackMs(
      this.catalog.all().map((rule) => ruleSpanSeconds(rule)),
      this.config.graceMs,
    );
  }

  private async evaluate(batch: PartitionBatch, controls: BatchControls): Promise<void> {
    const { partition } = batch;
    const stopTimer = this.metrics.evaluationLatency.startTimer();
    const now = Date.now();
    const { transitions, forwards, replayed } = evaluateEvents(batch.messages, {
      engine: this.engine,
      now,
      rulesFor: (offset) => this.catchUps.rulesFor(partition, offset),
      resumeAt: this.replay.resumeAtOf(partition),
      silence: this.replay.silenceOf(partition),
      versionOf: (ruleId) => this.rules.versionOf(ruleId),
      decode: (message, replayed) => this.route.decode(message, partition, replayed),
      forward: (event, message, forwards) =>
        this.route.forward(event, { partition, message }, forwards),
      outcome: (ruleId, outcome) => {
        this.metrics.ruleOutcomes.inc({ outcome });
        if (outcome === 'refused') this.keyCaps.refused(ruleId, now);
      },
    });
    this.route.evaluated(batch.messages.length);
    const messages = this.transitions.handle(transitions, new Date(now));
    stopTimer();
    const timing = BatchTiming.evaluated(this.metrics, batch);
    const next = BigInt(batch.lastOffset) + 1n;
    const committable = this.replay.isCommittable(partition, next);
    await Promise.all([this.publish(messages, controls, timing), this.forward(forwards, controls)]);
    // Committed every COMMIT_INTERVAL_MS, always after this batch's incidents and forwarded
    // matches are on their topics.
    if (committable) this.tracker.completed(partition, batch.lastOffset);
    this.metrics.rebuildReplayed.inc(replayed);
    this.replay.reached(partition, next);
    if (this.catchUps.reached(partition, next)) this.logger.log(`partition ${partition} caught up`);
  }

  private async publish(
    messages: LifecycleMessage[],
    context: BatchContext,
    timing?: BatchTiming,
  ): Promise<void> {
    if (messages.length === 0) return;
    await this.retrier.run('kafka', context, () =>
      this.parts.publisher.lifecycle(messages, timing?.headers()),
    );
    timing?.acknowledged();
  }

  private forward(messages: Message[], context: BatchContext): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.retrier.run('kafka', context, () => this.route.send(messages));
  }
}
