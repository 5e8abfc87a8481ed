import { Logger } from '@nestjs/common';
import { BatchControls } from '@app/kafka';
import { AcceptedMessage, BatchPipeline } from '../pipelines/batch-pipeline';
import { classifyDatabaseError, FailureKind } from './retry-policy';

export interface PoisonedMessage<Row> {
  message: AcceptedMessage<Row>;
  reason: string;
}

export interface PersistOutcome<Row> {
  /** Rows the statements inserted or changed. */
  changed: number;
  /** Rows the database refused on their own; they go to the DLQ, the rest are stored. */
  poisoned: PoisonedMessage<Row>[];
  /** Rows whose key is stored with different content (see BatchPipeline.findConflicts). */
  conflicts: PoisonedMessage<Row>[];
}

/** Runs a database call, waiting out an outage (the batch's `controls.retry`). */
export type Retry = BatchControls['retry'];

/**
 * Stores a batch in one statement. If the database refuses the data itself (a value that
 * passed validation but PostgreSQL rejects), the batch is split in halves until the refused
 * rows are isolated, so one poison message never blocks its partition nor costs its neighbours.
 */
export class BatchPersister {
  private readonly logger = new Logger('BatchPersister');

  /**
   * `retry` must rethrow poison-data errors at once (the consumer's retry hooks classify them
   * with classifyDatabaseError): those are what the split isolates.
   */
  async persist<Row>(
    pipeline: Pick<BatchPipeline<Row>, 'noun' | 'store' | 'findConflicts'>,
    messages: readonly AcceptedMessage<Row>[],
    retry: Retry,
  ): Promise<PersistOutcome<Row>> {
    if (messages.length === 0) return { changed: 0, poisoned: [], conflicts: [] };
    const rows = messages.map((m) => m.row);
    try {
      const changed = await retry('database', () => pipeline.store(rows));
      if (changed === rows.length || !pipeline.findConflicts) {
        return { changed, poisoned: [], conflicts: [] };
      }
      const found = await retry('database', () => pipeline.findConflicts!(rows));
      const conflicts = found.map(({ index, reason }) => ({ message: messages[index], reason }));
      return { changed, poisoned: [], conflicts };
    } catch (error) {
      // Only poison-data errors escape the retrier (an abandoned batch rethrows below).
      if (classifyDatabaseError(error) !== FailureKind.PoisonData) throw error;
      if (messages.length === 1) {
        const { original } = messages[0];
        const reason = `database refused the ${pipeline.noun}: ${(error as Error).message}`;
        this.logger.warn(
          `${reason} (${original.topic} partition ${original.partition} offset ${original.offset})`,
        );
        return { changed: 0, poisoned: [{ message: messages[0], reason }], conflicts: [] };
      }
      const middle = Math.ceil(messages.length / 2);
      const first = await this.persist(pipeline, messages.slice(0, middle), retry);
      const second = await this.persist(pipeline, messages.slice(middle), retry);
      return {
        changed: first.changed + second.changed,
        poisoned: [...first.poisoned, ...second.poisoned],
        conflicts: [...first.conflicts, ...second.conflicts],
      };
    }
  }
}
