import { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel every gateway replica LISTENs on to reload its API keys. */
export const API_KEYS_CHANGED_CHANNEL = 'api_keys_changed';

/**
 * API keys made through POST /api/keys. Only a SHA-256 digest of a key is kept (the key holds
 * 256 random bits, so no stretching is needed), with a short prefix people can recognise it by.
 * Revocation is a timestamp: the row stays, so the audit log's key ids keep pointing somewhere.
 *
 * A statement trigger notifies `api_keys_changed` on every change that can alter who may
 * authenticate, whoever makes it (the API or an operator's SQL), at commit. `last_used_at`
 * is left out of the trigger: its batched writes change nobody's access.
 */
export class CreateApiKeys1769000000000 implements MigrationInterface {
  name = 'CreateApiKeys1769000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL CHECK (btrim(name) <> ''),
        role varchar(16) NOT NULL CHECK (role IN ('read', 'ingest', 'admin')),
        key_hash char(64) NOT NULL UNIQUE,
        prefix varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by varchar(64) NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.query(`
      CREATE FUNCTION api_keys_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${API_KEYS_CHANGED_CHANNEL}', '');
        RETURN NULL;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER api_keys_changed
        AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, role, key_hash, expires_at, revoked_at
        ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION api_keys_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api_keys`);
    await db.query(`DROP FUNCTION api_keys_notify()`);
  }
}
