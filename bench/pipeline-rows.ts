/**
 * What `bench:pipeline` reads back from the database: counts, spans and row latency, of every
 * event or of one `type`.
 */
import { Client } from 'pg';
import { sleep } from './support';

export interface RowStats {
  count: number;
  /** Seconds from the first row's received_at to the last's. */
  span: number;
  /** Publish-to-row latency (received_at - occurred_at) percentiles, in seconds. */
  p50: number;
  p99: number;
}

async function rowStats(client: Client, type?: string): Promise<RowStats> {
  const { rows } = await client.query<{
    n: string;
    span: number | null;
    p50: number | null;
    p99: number | null;
  }>(
    `
    SELECT count(*) AS n,
           extract(epoch FROM max(received_at) - min(received_at))::float8 AS span,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - occurred_at)) AS p50,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - occurred_at)) AS p99
    FROM events WHERE $1::text IS NULL OR type = $1`,
    [type ?? null],
  );
  return {
    count: Number(rows[0].n),
    span: rows[0].span ?? 0,
    p50: rows[0].p50 ?? NaN,
    p99: rows[0].p99 ?? NaN,
  };
}

/**
 * Waits until at least `expected` events (of `type`, when given) are stored, looking every
 * `pollMs`; returns how many there were then.
 */
export async function waitForRows(
  client: Client,
  expected: number,
  type?: string,
  pollMs = 250,
  timeoutMs = 30 * 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The rollups count every stored event once, in the statement that stores it, in a few
    // hundred rows: counting `events` itself, 4 times a second, cost the database as much CPU
    // as 3 µs per event of the drain being measured.
    const { rows } = await client.query<{ n: string }>(
      'SELECT coalesce(sum(event_count), 0) AS n FROM event_rollups_minute WHERE $1::text IS NULL OR type = $1',
      [type ?? null],
    );
    const stored = Number(rows[0].n);
    if (stored >= expected) return stored;
    if (Date.now() > deadline)
      throw new Error(`only ${stored} of ${expected} rows after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

/** Waits for `expected` events (of `type`), then reads their stats; storedAt is when they were. */
export async function storedRows(
  client: Client,
  expected: number,
  type?: string,
): Promise<RowStats & { storedAt: number }> {
  await waitForRows(client, expected, type);
  const storedAt = Date.now();
  return { ...(await rowStats(client, type)), storedAt };
}
