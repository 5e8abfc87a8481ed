import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Incident, INCIDENT_STATUS_RANK } from '@app/contracts';

/** An incident as a lifecycle message describes it, and when that transition happened. */
export interface IncidentUpdate {
  incident: Incident;
  /** The message's `at`, ISO-8601. */
  at: string;
}

interface ColumnSpec {
  name: string;
  /** Element type of the array parameter that carries this column. */
  type: string;
  /** Cast applied when the element type cannot be the column's (arrays of arrays). */
  cast?: string;
  value(update: IncidentUpdate): unknown;
}

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'uuid', value: (u) => u.incident.id },
  { name: 'rule_id', type: 'text', value: (u) => u.incident.ruleId },
  { name: 'rule_name', type: 'text', value: (u) => u.incident.ruleName },
  { name: 'group_key', type: 'text', value: (u) => u.incident.groupKey },
  { name: 'severity', type: 'text', value: (u) => u.incident.severity },
  { name: 'status', type: 'text', value: (u) => u.incident.status },
  { name: 'value', type: 'float8', value: (u) => u.incident.value },
  { name: 'aggregate', type: 'text', value: (u) => u.incident.aggregate },
  { name: 'operator', type: 'text', value: (u) => u.incident.operator },
  { name: 'threshold', type: 'float8', value: (u) => u.incident.threshold },
  { name: 'window_kind', type: 'text', value: (u) => u.incident.windowKind },
  { name: 'window_seconds', type: 'int', value: (u) => u.incident.windowSeconds },
  { name: 'window_start', type: 'timestamptz', value: (u) => u.incident.windowStart },
  { name: 'window_end', type: 'timestamptz', value: (u) => u.incident.windowEnd },
  { name: 'opened_at', type: 'timestamptz', value: (u) => u.incident.openedAt },
  { name: 'acknowledged_at', type: 'timestamptz', value: (u) => u.incident.acknowledgedAt },
  { name: 'acknowledged_by', type: 'text', value: (u) => u.incident.acknowledgedBy },
  { name: 'resolved_at', type: 'timestamptz', value: (u) => u.incident.resolvedAt },
  { name: 'resolved_by', type: 'text', value: (u) => u.incident.resolvedBy },
  // UNNEST flattens nested arrays, so each row's ids travel as one array literal. Safe to
  // build: the decoder admitted only UUIDs.
  {
    name: 'event_ids',
    type: 'text',
    cast: 'uuid[]',
    value: (u) => `{${u.incident.eventIds.join(',')}}`,
  },
  { name: 'channels', type: 'jsonb', value: (u) => JSON.stringify(u.incident.channels) },
  { name: 'updated_at', type: 'timestamptz', value: (u) => u.at },
];

/** The status's rank as SQL, from the one definition in the contracts. */
function rankOf(status: string): string {
  const cases = Object.entries(INCIDENT_STATUS_RANK)
    .map(([name, rank]) => `WHEN '${name}' THEN ${rank}`)
    .join(' ');
  return `(CASE ${status} ${cases} END)`;
}

const names = COLUMNS.map((c) => c.name);
const UPSERT_SQL = `
WITH incoming AS (
  SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})
    AS m(${names.join(', ')})
),
-- ON CONFLICT may touch a row once per statement: of several transitions of one incident in
-- the batch, only the one that would win anyway is kept.
latest AS (
  SELECT DISTINCT ON (id) * FROM incoming
  ORDER BY id, ${rankOf('status')} DESC, updated_at DESC
),
changed AS (
  INSERT INTO incidents AS i (${names.join(', ')})
  SELECT ${COLUMNS.map((c) => (c.cast ? `${c.name}::${c.cast}` : c.name)).join(', ')}
  FROM latest
  -- A stable order takes row locks in the same order in every consumer: fewer deadlocks.
  ORDER BY id
  ON CONFLICT (id) DO UPDATE SET
    ${names
      .filter((name) => name !== 'id')
      .map((name) => `${name} = EXCLUDED.${name}`)
      .join(',\n    ')}
  -- Forward only: a higher status wins; at the same status, the later transition wins. A
  -- redelivered or older message matches neither and leaves the row as it is.
  WHERE (${rankOf('EXCLUDED.status')}, EXCLUDED.updated_at) > (${rankOf('i.status')}, i.updated_at)
  RETURNING 1
)
SELECT count(*)::int AS changed FROM changed`;

/**
 * Applies lifecycle messages to `incidents` in ONE statement per batch, idempotent and
 * order-safe: replaying a batch, or receiving its messages in any order, ends in the same row.
 */
@Injectable()
export class IncidentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns how many incidents were inserted or moved forward. */
  async upsert(updates: readonly IncidentUpdate[]): Promise<number> {
    if (updates.length === 0) return 0;
    const parameters = COLUMNS.map((column) => updates.map((update) => column.value(update)));
    const result: Array<{ changed: number }> = await this.dataSource.query(UPSERT_SQL, parameters);
    return result[0]?.changed ?? 0;
  }
}
