import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incidents and delivery attempts, as the consumer stores them from `notifications` and
 * `notifications.deliveries`. The allowed values are written out rather than imported from
 * the contracts: a migration must create the same schema forever, whatever the code becomes.
 */
export class CreateIncidentsAndDeliveries1764000000000 implements MigrationInterface {
  name = 'CreateIncidentsAndDeliveries1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY,
        rule_id varchar(128) NOT NULL,
        rule_name varchar(200) NOT NULL,
        group_key varchar(1024) NOT NULL,
        severity varchar(8) NOT NULL
          CONSTRAINT incidents_severity_check CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        status varchar(16) NOT NULL
          CONSTRAINT incidents_status_check CHECK (status IN ('open', 'acknowledged', 'resolved')),
        value double precision NOT NULL,
        aggregate varchar(8) NOT NULL,
        operator varchar(2) NOT NULL,
        threshold double precision NOT NULL,
        window_kind varchar(16) NOT NULL,
        window_seconds integer NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        opened_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        acknowledged_by varchar(200),
        resolved_at timestamptz,
        resolved_by varchar(200),
        event_ids uuid[] NOT NULL DEFAULT '{}',
        channels jsonb NOT NULL DEFAULT '[]',
        updated_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The gateway's incident list: by status, newest first; and "this rule's incidents for
    // this group"; and a time range over everything.
    await db.query(
      `CREATE INDEX incidents_status_opened_at_idx ON incidents (status, opened_at DESC)`,
    );
    await db.query(`CREATE INDEX incidents_rule_group_idx ON incidents (rule_id, group_key)`);
    await db.query(`CREATE INDEX incidents_opened_at_idx ON incidents (opened_at)`);

    // No foreign key to incidents: the two topics are consumed independently, so a delivery
    // attempt can be stored before the lifecycle message that creates its incident (another
    // partition, another replica, a lagging topic). A foreign key would refuse it.
    await db.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL,
        rule_id varchar(128) NOT NULL,
        kind varchar(32) NOT NULL,
        channel_type varchar(16) NOT NULL,
        channel_index integer NOT NULL,
        target varchar(500) NOT NULL,
        attempt integer NOT NULL,
        max_attempts integer NOT NULL,
        outcome varchar(16) NOT NULL,
        status_code integer,
        error text,
        duration_ms double precision NOT NULL,
        idempotency_key varchar(200) NOT NULL,
        at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // An incident's delivery log, in order.
    await db.query(`CREATE INDEX deliveries_incident_at_idx ON deliveries (incident_id, at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deliveries`);
    await db.query(`DROP TABLE incidents`);
  }
}
