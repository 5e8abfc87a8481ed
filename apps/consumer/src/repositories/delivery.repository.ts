import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryRecord } from '@app/contracts';

const COLUMNS: Array<[name: string, type: string, value: (record: DeliveryRecord) => unknown]> = [
  ['id', 'uuid', (r) => r.id],
  ['incident_id', 'uuid', (r) => r.incidentId],
  ['rule_id', 'text', (r) => r.ruleId],
  ['kind', 'text', (r) => r.kind],
  ['channel_type', 'text', (r) => r.channelType],
  ['channel_index', 'int', (r) => r.channelIndex],
  ['target', 'text', (r) => r.target],
  ['attempt', 'int', (r) => r.attempt],
  ['max_attempts', 'int', (r) => r.maxAttempts],
  ['outcome', 'text', (r) => r.outcome],
  ['status_code', 'int', (r) => r.statusCode],
  ['error', 'text', (r) => r.error],
  ['duration_ms', 'float8', (r) => r.durationMs],
  ['idempotency_key', 'text', (r) => r.idempotencyKey],
  ['at', 'timestamptz', (r) => r.at],
];

// Records are immutable facts with deterministic ids: a replayed one is simply skipped.
const INSERT_SQL = `
WITH inserted AS (
  INSERT INTO deliveries (${COLUMNS.map(([name]) => name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
  ON CONFLICT (id) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS inserted FROM inserted`;

/** Stores delivery attempts, a batch per statement, each one once. */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns how many records were new. */
  async insert(records: readonly DeliveryRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const parameters = COLUMNS.map(([, , value]) => records.map(value));
    const result: Array<{ inserted: number }> = await this.dataSource.query(INSERT_SQL, parameters);
    return result[0]?.inserted ?? 0;
  }
}
