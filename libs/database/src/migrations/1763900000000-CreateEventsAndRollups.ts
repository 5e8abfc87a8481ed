import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventsAndRollups1763900000000 implements MigrationInterface {
  name = 'CreateEventsAndRollups1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE events (
        id uuid PRIMARY KEY,
        type varchar(128) NOT NULL,
        source varchar(128) NOT NULL,
        severity varchar(8) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        value double precision,
        payload jsonb,
        kafka_partition integer,
        kafka_offset bigint
      )`);
    // Newest-first keyset pagination, and the API's filters combined with a time range.
    await db.query(`CREATE INDEX events_occurred_at_idx ON events (occurred_at, id)`);
    await db.query(`CREATE INDEX events_type_occurred_at_idx ON events (type, occurred_at)`);
    await db.query(`CREATE INDEX events_source_occurred_at_idx ON events (source, occurred_at)`);
    await db.query(
      `CREATE INDEX events_severity_occurred_at_idx ON events (severity, occurred_at)`,
    );

    await db.query(`
      CREATE TABLE event_rollups_minute (
        bucket timestamptz NOT NULL,
        type varchar(128) NOT NULL,
        source varchar(128) NOT NULL,
        severity varchar(8) NOT NULL,
        event_count bigint NOT NULL,
        value_count bigint NOT NULL DEFAULT 0,
        value_sum double precision,
        value_min double precision,
        value_max double precision,
        PRIMARY KEY (bucket, type, source, severity)
      )`);
    await db.query(
      `CREATE INDEX event_rollups_minute_type_bucket_idx ON event_rollups_minute (type, bucket)`,
    );
    await db.query(
      `CREATE INDEX event_rollups_minute_source_bucket_idx ON event_rollups_minute (source, bucket)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE event_rollups_minute`);
    await db.query(`DROP TABLE events`);
  }
}
