/**
 * The events table as each strategy of `bench:insert` has it, made from the freshly migrated
 * one. Indexes are read back from the catalog rather than written out, so a variant keeps
 * whatever indexes the migrations make except the ones it names.
 */
import { Client } from 'pg';
import { ensureDayPartitions } from '@app/database';
import { PersistableEvent } from '../../apps/consumer/src/repositories/event-batch.repository';
import { daysOf } from './rows';

export interface SchemaVariant {
  name: string;
  /** Turns the migrated schema into this one, before any row is written. */
  apply(client: Client, rows: readonly PersistableEvent[]): Promise<void>;
  /** The unique key `ON CONFLICT` of the events insert names. */
  eventsConflict: string;
}

/** As the migrations make it, with the day partitions the rows fall in (made ahead, as the consumer does). */
export const asMigrated: SchemaVariant = {
  name: 'as migrated',
  apply: async (client, rows) =>
    void (await ensureDayPartitions(
      client,
      daysOf(rows).map((day) => day.getTime()),
    )),
  eventsConflict: '(id, occurred_at)',
};

/** The secondary indexes of `events` (all but the primary key), by name. */
async function secondaryIndexes(client: Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = 'events' AND indexname <> 'events_pkey'`,
  );
  return new Map(rows.map((row) => [row.indexname, row.indexdef]));
}

/**
 * Events not partitioned, as before migration 1768000000000, with the same secondary indexes
 * and the unique key (id): what partitioning by day costs or saves, everything else equal.
 */
export const unpartitioned: SchemaVariant = {
  name: 'not partitioned',
  eventsConflict: '(id)',
  apply: async (client) => {
    const indexes = await secondaryIndexes(client);
    await client.query('ALTER TABLE events RENAME TO events_partitioned');
    await client.query(
      `CREATE TABLE events (LIKE events_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
    await client.query('DROP TABLE events_partitioned');
    await client.query('ALTER TABLE events ADD PRIMARY KEY (id)');
    // A partitioned table's index definitions read `ON ONLY events`.
    for (const definition of indexes.values()) {
      await client.query(definition.replace(' ON ONLY ', ' ON '));
    }
  },
};

/** The migrated events table without the named secondary indexes. */
export function withoutIndexes(...names: string[]): SchemaVariant {
  return {
    name: `without ${names.join(', ')}`,
    eventsConflict: asMigrated.eventsConflict,
    apply: async (client, rows) => {
      await asMigrated.apply(client, rows);
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
  eventsConflict: asMigrated.eventsConflict,
  apply: async (client, rows) => {
    await withoutIndexes('events_occurred_at_idx').apply(client, rows);
    await client.query('CREATE INDEX events_occurred_at_brin ON events USING brin (occurred_at)');
  },
};
