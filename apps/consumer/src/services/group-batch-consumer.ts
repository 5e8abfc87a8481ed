import { Logger } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import { buildDeadLetter, DeadLetterStage } from '@app/contracts';
import { ConsumerConfig } from '../consumer.config';
import { BatchPipeline } from '../pipelines/batch-pipeline';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { decodeBatch } from './batch-decoder';
import { BatchPersister, PoisonedMessage } from './batch-persister';
import { BatchAbandoned, BatchContext, DependencyRetrier } from '@app/resilience';
import { ConsumerStallMonitor, groupMembershipLost, ReplaceableConsumer } from '@app/kafka';

export interface GroupBatchConsumerOptions {
  /** Logger context, e.g. `EventsConsumer`. */
  name: string;
  groupId: string;
  /** Broker topic name -> the pipeline for its messages. */
  pipelines: ReadonlyMap<string, BatchPipeline<unknown>>;
  deadLetterTopic: string;
}

/**
 * One kafkajs consumer group, read one partition batch at a time:
 * decode -> store valid rows (one statement) -> dead-letter the rest -> commit offsets.
 * Offsets are committed only after the rows and the DLQ records they cover are durable, so a
 * crash at any point replays the batch, and the pipeline's idempotent statement absorbs the
 * replay. Every topic the consumer reads goes through this same loop; only its pipeline differs.
 */
export class GroupBatchConsumer {
  private readonly logger: Logger;
  private readonly client: ReplaceableConsumer;
  /** Names this consumer in DLQ headers: `consumer/<group id>`. */
  private readonly service: string;
  private readonly persister: BatchPersister;
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsumerConfig,
    private readonly retrier: DependencyRetrier,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly stallMonitor: ConsumerStallMonitor,
    private readonly options: GroupBatchConsumerOptions,
  ) {
    this.logger = new Logger(options.name);
    this.service = `consumer/${options.groupId}`;
    this.persister = new BatchPersister(retrier);
    this.client = new ReplaceableConsumer(
      (retry) => this.newConsumer(retry),
      (consumer, generation) => this.run(consumer, generation),
      this.logger,
    );
  }

  private newConsumer(retry: RetryOptions): Consumer {
    const { config } = this;
    return this.kafka.consumer({
      retry,
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(config.sessionTimeoutMs / 3)),
      maxBytesPerPartition: config.maxBytesPerPartition,
      maxBytes: config.maxBytesPerPartition * config.partitionsConsumedConcurrently * 2,
      maxWaitTimeInMs: 250,
    });
  }

  async start(): Promise<void> {
    await this.client.start();
    this.stallMonitor.watch({
      name: this.options.name,
      groupId: this.options.groupId,
      topics: [...this.options.pipelines.keys()],
      recover: () => this.client.replace(),
    });
  }

  private async run(consumer: Consumer, generation: number): Promise<void> {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopping && this.client.isCurrent(generation)) {
        // kafkajs gave up: better to exit and be restarted than to look alive and consume nothing.
        this.logger.fatal(`Kafka consumer crashed and will not restart: ${payload.error.message}`);
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      }
    });
    const topics = [...this.options.pipelines.keys()];
    await consumer.connect();
    // fromBeginning: a new group stores what was published before it first started.
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.processBatch(payload, consumer, generation),
    });
    this.logger.log(`consuming ${topics.join(', ')} as group ${this.options.groupId}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.client.markStopped();
    // kafkajs stops fetching and waits for the batches in flight to finish (and commit).
    await this.client.consumer.disconnect();
    this.logger.log('consumer stopped');
  }

  private async processBatch(
    payload: EachBatchPayload,
    consumer: Consumer,
    generation: number,
  ): Promise<void> {
    const pipeline = this.options.pipelines.get(payload.batch.topic);
    if (!pipeline) throw new Error(`no pipeline for topic ${payload.batch.topic}`);
    await this.processWith(pipeline, payload, consumer, generation);
  }

  private async processWith<Row>(
    pipeline: BatchPipeline<Row>,
    payload: EachBatchPayload,
    consumer: Consumer,
    generation: number,
  ): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const started = performance.now();
    const context: BatchContext = {
      heartbeat: () => payload.heartbeat(),
      isActive: () =>
        payload.isRunning() &&
        !payload.isStale() &&
        !this.stopping &&
        this.client.isCurrent(generation),
    };
    const decoded = decodeBatch(
      batch.topic,
      batch.partition,
      batch.messages,
      pipeline,
      this.service,
    );
    if (decoded.undecodable > 0) {
      this.logger.error(
        `${decoded.undecodable} message(s) of ${batch.topic} partition ${batch.partition} from offset ${batch.firstOffset()} could not be decoded; dead-lettered at stage decode`,
      );
    }
    try {
      const { changed, poisoned, conflicts } = await this.persister.persist(
        pipeline,
        decoded.accepted,
        context,
      );
      const deadLetter = (p: PoisonedMessage<Row>, stage: DeadLetterStage) =>
        buildDeadLetter(p.message.original, [p.reason], stage, this.service);
      const deadLetters = decoded.rejected.concat(
        poisoned.map((p) => deadLetter(p, DeadLetterStage.Persistence)),
        conflicts.map((p) => deadLetter(p, DeadLetterStage.Conflict)),
      );
      if (conflicts.length > 0) {
        this.logger.warn(
          `${conflicts.length} ${pipeline.noun}(s) dead-lettered as conflicts, e.g. ${conflicts[0].reason} (${batch.topic} partition ${batch.partition} offset ${conflicts[0].message.original.offset})`,
        );
      }
      await this.retrier.run('kafka', context, () =>
        this.deadLetters.publish(this.options.deadLetterTopic, deadLetters),
      );

      const last = batch.messages[batch.messages.length - 1].offset;
      payload.resolveOffset(last);
      const next = (BigInt(last) + 1n).toString();
      await this.retrier.run('kafka', context, () =>
        consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]),
      );
      await payload.heartbeat();

      pipeline.recordBatch({
        messages: batch.messages.length,
        accepted: decoded.accepted,
        changed,
        rejected: decoded.rejected.length - decoded.undecodable,
        undecodable: decoded.undecodable,
        poisoned: poisoned.length,
        conflicts: conflicts.length,
        seconds: (performance.now() - started) / 1000,
      });
    } catch (error) {
      if (error instanceof BatchAbandoned) {
        // Nothing committed: whoever owns the partition next reads this batch again.
        this.logger.warn(
          `${error.message} (${batch.topic} partition ${batch.partition}, from offset ${batch.firstOffset()})`,
        );
        return;
      }
      // Thrown as the broker's own error (not kafkajs' wrapper around it), so kafkajs
      // recognises it and rejoins the group; the batch is read again by its next owner.
      throw groupMembershipLost(error) ?? error;
    }
  }
}
