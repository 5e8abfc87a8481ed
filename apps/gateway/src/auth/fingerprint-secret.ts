import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

const SETTING = 'api_key_fingerprint_secret';

/**
 * The secret that keys API key fingerprints: GATEWAY_FINGERPRINT_SECRET when set, else one
 * made at random by the first gateway of the deployment and kept in `gateway_settings`.
 * A secret per process would do for privacy, but the audit log names actors by fingerprint,
 * and those must stay comparable across restarts and replicas.
 */
export async function fingerprintSecret(
  configured: string,
  dataSource: DataSource,
): Promise<string> {
  if (configured !== '') return configured;
  // Replicas starting together race here: the first insert wins and all read its value.
  await dataSource.query(
    `INSERT INTO gateway_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    [SETTING, randomBytes(32).toString('hex')],
  );
  const rows = await dataSource.query<{ value: string }[]>(
    `SELECT value FROM gateway_settings WHERE name = $1`,
    [SETTING],
  );
  new Logger('ApiKeys').log(
    'API key fingerprints are keyed with the secret kept in the database (set GATEWAY_FINGERPRINT_SECRET to choose one)',
  );
  return rows[0].value;
}
