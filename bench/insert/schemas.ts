/**
 * The events table as each strategy of `bench:insert` has it, made from the freshly migrated
 * one. Indexes are read back from the catalog rather than written out, so a variant keeps
 * whatever indexes the migrations make except the ones it names.
 */
import { Client } from 'pg';
import { PersistableEvent } from '../../apps/consumer/src/repositories/event-batch.repository';
import { daysOf } from './rows';

export interface SchemaVariant {
  name: string;
  /** Turns the migrated schema into this one, before any row is written. */
  apply(client: Client, rows: readonly PersistableEvent[]): Promise<void>;
  /** The unique key `ON CONFLICT` of the events insert names. */
  eventsConflict: string;
}

export const asMigrated: SchemaVariant = {
  name: 'as migrated',
  apply: () => Promise.resolve(),
  eventsConflict: '(id)',
};

/** The secondary indexes of `events` (all but the primary key), by name. */
async function secondaryIndexes(client: Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = 'events' AND indexname <> 'events_pkey'`,
  );
  return new Map(rows.map((row) => [row.indexname, row.indexdef]));
}

const isoDay = (day: Date): string => day.toISOString().slice(0, 10);

/**
 * Events partitioned by UTC day (PARTITION BY RANGE (occurred_at)), the unique key
 * (id, occurred_at) since a partitioned table's keys must hold the partition column, the
 * same secondary indexes, and one partition per day the rows fall in, made ahead.
 */
export const partitionedByDay: SchemaVariant = {
  name: 'partitioned by day',
  eventsConflict: '(id, occurred_at)',
  apply: async (client, rows) => {
    const indexes = await secondaryIndexes(client);
    await client.query('ALTER TABLE events RENAME TO events_unpartitioned');
    await client.query(
      `CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
         PARTITION BY RANGE (occurred_at)`,
    );
    await client.query('DROP TABLE events_unpartitioned');
    await client.query('ALTER TABLE events ADD PRIMARY KEY (id, occurred_at)');
    for (const definition of indexes.values()) await client.query(definition);
    for (const day of daysOf(rows)) {
      const next = new Date(day.getTime() + 86_400_000);
      await client.query(
        `CREATE TABLE events_p${isoDay(day).replace(/-/g, '')} PARTITION OF events
           FOR VALUES FROM ('${isoDay(day)} 00:00Z') TO ('${isoDay(next)} 00:00Z')`,
      );
    }
  },
};

/** The migrated events table without the named secondary indexes. */
export function withoutIndexes(...names: string[]): SchemaVariant {
  return {
    name: `without ${names.join(', ')}`,
    eventsConflict: '(id)',
    apply: async (client) => {
      const indexes = await secondaryIndexes(client);
      for (const name of names) {
        if (!indexes.has(name)) throw new Error(`events has no index ${name}`);
        await client.query(`DROP INDEX ${name}`);
      }
    },
  };
}

/** The (occurred_at, id) btree replaced by a BRIN index on occurred_at. */
export const brinOccurredAt: SchemaVariant = {
  name: 'BRIN on occurred_at instead of the (occurred_at, id) btree',
  eventsConflict: '(id)',
  apply: async (client, rows) => {
    await withoutIndexes('events_occurred_at_idx').apply(client, rows);
    await client.query('CREATE INDEX events_occurred_at_brin ON events USING brin (occurred_at)');
  },
};
