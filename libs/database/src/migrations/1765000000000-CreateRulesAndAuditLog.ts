import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRulesAndAuditLog1765000000000 implements MigrationInterface {
  name = 'CreateRulesAndAuditLog1765000000000';

  async up(db: QueryRunner): Promise<void> {
    // The gateway's source of truth for rules; `alert-rules` (compacted) mirrors it.
    await db.query(`
      CREATE TABLE alert_rules (
        id varchar(128) PRIMARY KEY,
        name varchar(200) NOT NULL,
        enabled boolean NOT NULL,
        definition jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX alert_rules_name_idx ON alert_rules (name)`);

    // Who changed what: append-only, newest first.
    await db.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor varchar(64) NOT NULL,
        action varchar(64) NOT NULL,
        target_type varchar(32) NOT NULL,
        target_id varchar(128) NOT NULL,
        before jsonb,
        after jsonb
      )`);
    await db.query(`CREATE INDEX audit_log_at_idx ON audit_log (at, id)`);
    await db.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP TABLE alert_rules`);
  }
}
