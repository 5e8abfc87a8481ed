import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { buildDeadLetter, DeadLetterStage, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { BatchAbandoned, BatchContext, DependencyRetrier } from '@app/resilience';
import { ConsumerConfig } from '../consumer.config';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import { DeadLetterPublisher } from '../repositories/dead-letter.publisher';
import { EventBatchRepository } from '../repositories/event-batch.repository';
import { decodeBatch } from './batch-decoder';
import { BatchPersister } from './batch-persister';
import { classifyDatabaseError, FailureKind } from './retry-policy';

/**
 * Reads `events` in a consumer group, one partition batch at a time:
 * decode -> store valid events (one statement) -> dead-letter the rest -> commit offsets.
 * Offsets are committed only after the rows and the DLQ records they cover are durable,
 * so a crash at any point replays the batch, and the idempotent insert absorbs the replay.
 */
@Injectable()
export class EventsConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventsConsumer');
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly service: string;
  private readonly retrier: DependencyRetrier;
  private readonly persister: BatchPersister;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsumerConfig,
    repository: EventBatchRepository,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: ConsumerMetrics,
  ) {
    this.topic = topicName(Topic.Events, config.kafkaTopicPrefix);
    this.service = `consumer/${config.groupId}`;
    this.consumer = kafka.consumer({
      groupId: config.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(config.sessionTimeoutMs / 3)),
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxBytes: config.maxBytesPerPartition * config.partitionsConsumedConcurrently * 2,
      maxWaitTimeInMs: 250,
    });
    this.retrier = new DependencyRetrier(config.retryMaxDelayMs, {
      onRetry: (dependency, attempt, delayMs, error) => {
        metrics.retries.inc({ dependency });
        // First failure and then every tenth: an outage should be visible, not flood the log.
        if (attempt === 1 || attempt % 10 === 0) {
          this.logger.warn(
            `${dependency} unavailable (attempt ${attempt}, next in ${delayMs} ms), consumption paused: ${(error as Error)?.message}`,
          );
        }
      },
      onWaiting: (dependency, waiting) =>
        metrics.waitingForDependency.set({ dependency }, waiting ? 1 : 0),
      // Rows the database refuses are split off and dead-lettered by the persister.
      isPermanent: (dependency, error) =>
        dependency === 'database' && classifyDatabaseError(error) === FailureKind.PoisonData,
    });
    this.persister = new BatchPersister(repository, this.retrier);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, [Topic.Events, Topic.EventsDlq], {
      prefix: this.config.kafkaTopicPrefix,
      partitions: { [Topic.Events]: this.config.eventsTopicPartitions },
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping) {
        // kafkajs gave up: better to exit and be restarted than to look alive and consume nothing.
        this.logger.fatal(`Kafka consumer crashed and will not restart: ${payload.error.message}`);
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      }
    });
    await this.consumer.connect();
    // fromBeginning: a new group stores what was published before it first started.
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.processBatch(payload),
    });
    this.logger.log(`consuming ${this.topic} as group ${this.config.groupId}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // kafkajs stops fetching and waits for the batches in flight to finish (and commit).
    await this.consumer.disconnect();
    this.logger.log('consumer stopped');
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const stopTimer = this.metrics.batchDuration.startTimer();
    const context: BatchContext = {
      heartbeat: () => payload.heartbeat(),
      isActive: () => payload.isRunning() && !payload.isStale() && !this.stopping,
    };
    const decoded = decodeBatch(
      batch.topic,
      batch.partition,
      batch.messages,
      this.config,
      this.service,
    );
    try {
      const { inserted, poisoned } = await this.persister.persist(decoded.accepted, context);
      const deadLetters = decoded.rejected.concat(
        poisoned.map((p) =>
          buildDeadLetter(
            p.message.original,
            [p.reason],
            DeadLetterStage.Persistence,
            this.service,
          ),
        ),
      );
      await this.retrier.run('kafka', context, () => this.deadLetters.publish(deadLetters));

      const last = batch.messages[batch.messages.length - 1].offset;
      payload.resolveOffset(last);
      const next = (BigInt(last) + 1n).toString();
      await this.retrier.run('kafka', context, () =>
        this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: next },
        ]),
      );
      await payload.heartbeat();

      this.metrics.consumed.inc(batch.messages.length);
      this.metrics.persisted.inc(inserted);
      this.metrics.duplicates.inc(decoded.accepted.length - poisoned.length - inserted);
      this.metrics.deadLettered.inc({ stage: DeadLetterStage.Validation }, decoded.rejected.length);
      this.metrics.deadLettered.inc({ stage: DeadLetterStage.Persistence }, poisoned.length);
      this.metrics.legacy.inc(decoded.legacyCount);
      this.metrics.batchSize.observe(batch.messages.length);
      stopTimer();
    } catch (error) {
      if (error instanceof BatchAbandoned) {
        // Nothing committed: whoever owns the partition next reads this batch again.
        this.logger.warn(
          `${error.message} (partition ${batch.partition}, from offset ${batch.firstOffset()})`,
        );
        return;
      }
      throw error;
    }
  }
}
