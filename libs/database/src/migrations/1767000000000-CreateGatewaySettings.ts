import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Values a deployment makes once and every gateway replica then shares, such as the secret
 * that keys API key fingerprints: made at random by the first gateway that needs it, so
 * fingerprints in the audit log stay comparable across restarts and replicas.
 */
export class CreateGatewaySettings1767000000000 implements MigrationInterface {
  name = 'CreateGatewaySettings1767000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE gateway_settings (
        name varchar(64) PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE gateway_settings`);
  }
}
