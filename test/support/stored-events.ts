import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Severity } from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import {
  EventBatchRepository,
  persistableEvent,
} from '../../apps/consumer/src/repositories/event-batch.repository';

export interface StoredEventSpec {
  type: string;
  source: string;
  severity: Severity;
  occurredAt: Date;
  /** Null when left out, as for most events. */
  value?: number | null;
  payload?: Record<string, unknown> | null;
}

/**
 * Stores events through the consumer's own batch insert (the events table, the per-minute
 * rollups and the per-minute/hour/day counts in one statement), without a broker: for tests
 * of what reads those tables.
 */
export async function storeEvents(databaseUrl: string, events: StoredEventSpec[]): Promise<void> {
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: databaseUrl, poolSize: 1 }),
    logging: false,
  });
  await dataSource.initialize();
  try {
    const repository = new EventBatchRepository(dataSource);
    for (let first = 0; first < events.length; first += 500) {
      await repository.insertBatch(
        events
          .slice(first, first + 500)
          .map((event, index) =>
            persistableEvent(
              { id: randomUUID(), value: null, payload: null, ...event },
              0,
              String(first + index),
            ),
          ),
      );
    }
  } finally {
    await dataSource.destroy();
  }
}
