/** The rows every strategy of `bench:insert` writes: the same events, in the same batches. */
import {
  PersistableEvent,
  persistableEvent,
} from '../../apps/consumer/src/repositories/event-batch.repository';
import { pipelineEvent } from '../pipeline-events';
import { DEFAULT_TOPIC_SPECS, Topic } from '@app/contracts';
import { copyTextField } from '../references/copy-reference';

/** Partition and offset only fill their columns, spread like the events topic's messages. */
const PARTITIONS = DEFAULT_TOPIC_SPECS[Topic.Events].partitions;

/**
 * `count` events of the pipeline bench's mix, `spacingMs` apart in time order from `start`,
 * as the consumer hands them to its repository. A fixed time (not now) so every strategy and
 * every run fills the same minutes, hours and days.
 */
export function benchRows(count: number, start: Date, spacingMs: number): PersistableEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const event = pipelineEvent(index);
    return persistableEvent(
      {
        ...event,
        occurredAt: new Date(start.getTime() + index * spacingMs),
        value: event.value ?? null,
      },
      index % PARTITIONS,
      String(Math.floor(index / PARTITIONS)),
    );
  });
}

/** `rows` in batches of `size`, the last one shorter. */
export function batchesOf<T>(rows: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
  return batches;
}

/** The batch as COPY text, columns in the order of the events INSERT (received_at defaults). */
export function copyText(rows: readonly PersistableEvent[]): Buffer {
  const lines = rows.map((row) =>
    [
      row.id,
      row.type,
      row.source,
      row.severity,
      row.occurredAt,
      row.value,
      row.payloadJson,
      row.partition,
      row.offset,
    ]
      .map(copyTextField)
      .join('\t'),
  );
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The UTC days [first, last] that `rows` fall in, as Dates at 00:00 UTC. */
export function daysOf(rows: readonly PersistableEvent[]): Date[] {
  const dayMs = 86_400_000;
  let first = Infinity;
  let last = -Infinity;
  for (const { occurredAt } of rows) {
    const day = Math.floor(Date.parse(occurredAt) / dayMs);
    first = Math.min(first, day);
    last = Math.max(last, day);
  }
  return Array.from({ length: last - first + 1 }, (_, i) => new Date((first + i) * dayMs));
}
