import { Logger } from '@nestjs/common';
import { EventBatchRepository } from '../repositories/event-batch.repository';
import { AcceptedMessage } from './batch-decoder';
import { BatchContext, DependencyRetrier } from '@app/resilience';
import { classifyDatabaseError, FailureKind } from './retry-policy';

export interface PoisonedMessage {
  message: AcceptedMessage;
  reason: string;
}

export interface PersistOutcome {
  inserted: number;
  /** Events the database refused on their own; they go to the DLQ, the rest are stored. */
  poisoned: PoisonedMessage[];
}

/**
 * Stores a batch in one statement. If the database refuses the data itself (a value that
 * passed validation but PostgreSQL rejects), the batch is split in halves until the refused
 * rows are isolated, so one poison event never blocks its partition nor costs its neighbours.
 */
export class BatchPersister {
  private readonly logger = new Logger('BatchPersister');

  constructor(
    private readonly repository: EventBatchRepository,
    private readonly retrier: DependencyRetrier,
  ) {}

  async persist(
    messages: readonly AcceptedMessage[],
    context: BatchContext,
  ): Promise<PersistOutcome> {
    if (messages.length === 0) return { inserted: 0, poisoned: [] };
    try {
      const inserted = await this.retrier.run('database', context, () =>
        this.repository.insertBatch(messages.map((m) => m.row)),
      );
      return { inserted, poisoned: [] };
    } catch (error) {
      // Only poison-data errors escape the retrier (an abandoned batch rethrows below).
      if (classifyDatabaseError(error) !== FailureKind.PoisonData) throw error;
      if (messages.length === 1) {
        const reason = `database refused the event: ${(error as Error).message}`;
        this.logger.warn(`${reason} (offset ${messages[0].row.offset})`);
        return { inserted: 0, poisoned: [{ message: messages[0], reason }] };
      }
      const middle = Math.ceil(messages.length / 2);
      const first = await this.persist(messages.slice(0, middle), context);
      const second = await this.persist(messages.slice(middle), context);
      return {
        inserted: first.inserted + second.inserted,
        poisoned: [...first.poisoned, ...second.poisoned],
      };
    }
  }
}
