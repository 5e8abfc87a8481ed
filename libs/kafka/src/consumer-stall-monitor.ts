import { Logger, OnModuleDestroy } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { fetchGroupLag, totalLag } from './consumer-lag';

/** A consumer group whose progress is watched through the offsets it commits. */
export interface WatchedConsumer {
  /** Names it in logs and in /health, e.g. `EventsConsumer`. */
  name: string;
  groupId: string;
  topics: string[];
  /**
   * Restarts the consumer in-process once it is judged stalled (kafkajs gave up, lost its
   * membership, or waits on something that never settles): whatever state kafkajs is in,
   * a new client starts from the group's commits.
   */
  recover(): Promise<void>;
  /**
   * Overrides the monitor's stall timeout for a consumer whose commits may rightly wait longer
   * (dispatch holds its commit behind a delivery that is still being retried).
   */
  stallTimeoutMs?: number;
}

/** A consumer that made no progress for the stall timeout while its partitions had lag. */
export interface ConsumerStall {
  consumer: string;
  groupId: string;
  topics: string[];
  lag: number;
  noProgressForMs: number;
}

interface WatchState {
  consumer: WatchedConsumer;
  committed?: bigint;
  lag: number;
  lastProgressAt: number;
  lastRecoveryAt: number;
  recovering: boolean;
  /** When the group was first seen rebalancing, while it still is. */
  rebalancingSince?: number;
}

/**
 * How long a rebalance may keep a group from committing before that counts as a stall. After
 * a broker restart Kafka holds a rejoining consumer's JoinGroup until every member it knew
 * has rejoined or outlived its session timeout (30 s here, 45 s in Kafka's own clients);
 * restarting the consumer meanwhile only leaves one more member to wait for.
 */
const REBALANCE_GRACE_MS = 60_000;

/** Group states in which Kafka is (re)assigning partitions: no commits are due yet. */
const REBALANCING_STATES = new Set(['PreparingRebalance', 'CompletingRebalance']);

/**
 * Watches every consumer group of the process from the outside, as an operator would with
 * `kafka-consumer-groups --describe`: committed offsets against the log-end offsets. A group
 * whose commits have not moved for the stall timeout while it has lag is stalled: readiness
 * says so (with the group and its topics), and the consumer is restarted in-process, at most
 * once per stall timeout. An idle group (no lag) is healthy however long it waits. While the
 * broker cannot be asked, the clock does not run: the outage itself shows as Kafka down; nor
 * while Kafka is rebalancing the group, for up to REBALANCE_GRACE_MS.
 */
export class ConsumerStallMonitor implements OnModuleDestroy {
  private readonly logger = new Logger('ConsumerStallMonitor');
  private readonly watched: WatchState[] = [];
  private admin: Admin | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    readonly stallTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  watch(consumer: WatchedConsumer): void {
    const now = this.now();
    this.watched.push({
      consumer,
      lag: 0,
      lastProgressAt: now,
      lastRecoveryAt: now,
      recovering: false,
    });
    // A few looks per timeout: a stall shows within about 1.25 timeouts.
    const interval = Math.max(250, Math.min(10_000, Math.floor(this.stallTimeoutMs / 4)));
    this.timer ??= setInterval(() => void this.poll(), interval);
    this.timer.unref();
  }

  /** The consumers stalled now (no I/O: what the last look found). */
  stalls(): ConsumerStall[] {
    const now = this.now();
    return this.watched
      .filter((w) => w.lag > 0 && now - w.lastProgressAt >= this.timeoutOf(w))
      .map((w) => ({
        consumer: w.consumer.name,
        groupId: w.consumer.groupId,
        topics: w.consumer.topics,
        lag: w.lag,
        noProgressForMs: now - w.lastProgressAt,
      }));
  }

  /** One look at every watched group; recovers the stalled ones. Never overlaps itself. */
  poll(): Promise<void> {
    this.polling ??= this.lookAtAll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async lookAtAll(): Promise<void> {
    for (const state of this.watched) {
      try {
        await this.lookAt(state);
      } catch (error) {
        // Broker unreachable: nothing can be judged, and no one is blamed for the outage.
        state.lastProgressAt = this.now();
        this.dropAdmin();
        this.logger.debug(
          `${state.consumer.name}: offsets unavailable: ${(error as Error).message}`,
        );
      }
    }
  }

  private async lookAt(state: WatchState): Promise<void> {
    this.admin ??= this.kafka.admin();
    await this.admin.connect();
    const { groupId, topics } = state.consumer;
    const lags = await fetchGroupLag(this.admin, groupId, topics);
    const committedSum = lags.reduce((sum, topic) => sum + topic.committedSum, 0n);
    const lag = totalLag(lags);
    const rebalancing = lag > 0n && (await this.isRebalancing(groupId));
    const now = this.now();
    if (lag === 0n || committedSum !== state.committed) state.lastProgressAt = now;
    if (!rebalancing) state.rebalancingSince = undefined;
    else {
      state.rebalancingSince ??= now;
      if (now - state.rebalancingSince < REBALANCE_GRACE_MS) state.lastProgressAt = now;
    }
    state.committed = committedSum;
    state.lag = Number(lag);
    const stalledFor = now - state.lastProgressAt;
    const timeout = this.timeoutOf(state);
    if (
      state.lag > 0 &&
      stalledFor >= timeout &&
      !state.recovering &&
      now - state.lastRecoveryAt >= timeout
    ) {
      this.recover(state, stalledFor);
    }
  }

  private async isRebalancing(groupId: string): Promise<boolean> {
    const { groups } = await this.admin!.describeGroups([groupId]);
    return REBALANCING_STATES.has(groups[0]?.state ?? '');
  }

  private recover(state: WatchState, stalledFor: number): void {
    const { name, groupId, topics } = state.consumer;
    this.logger.warn(
      `${name} (group ${groupId}, ${topics.join(', ')}) made no progress for ${Math.round(stalledFor / 1000)} s ` +
        `with ${state.lag} messages waiting: restarting its Kafka consumer`,
    );
    state.recovering = true;
    state.lastRecoveryAt = this.now();
    state.consumer
      .recover()
      .catch((error: Error) =>
        this.logger.error(`${name}: restarting the Kafka consumer failed: ${error.message}`),
      )
      .finally(() => {
        state.recovering = false;
        state.lastRecoveryAt = this.now();
      });
  }

  private timeoutOf(state: WatchState): number {
    return state.consumer.stallTimeoutMs ?? this.stallTimeoutMs;
  }

  private dropAdmin(): void {
    const admin = this.admin;
    this.admin = undefined;
    void admin?.disconnect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await this.admin?.disconnect().catch(() => undefined);
  }
}
