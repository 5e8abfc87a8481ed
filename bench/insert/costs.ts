/**
 * What a pass of `bench:insert` cost beyond wall time, which on a shared 2-core machine moves
 * by a third from run to run: CPU seconds of the PostgreSQL backend that ran the statements
 * and of this process, and the WAL the server wrote. CPU and WAL bytes do not count the
 * time spent waiting for a core, so they separate levers that wall time cannot.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { parseProcStat, TICKS_PER_SECOND } from '../process-cpu';

export interface Costs {
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  walBytes: number;
}

/** utime + stime of a process on this machine (the database runs here: the bench's own). */
const processCpuSeconds = (pid: number): number =>
  parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).ownTicks / TICKS_PER_SECOND;

/** Starts counting; the returned function gives what was spent since. */
export async function costMeter(client: Client): Promise<() => Promise<Costs>> {
  const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
    .pid;
  const wal = async () =>
    (await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn() AS lsn')).rows[0].lsn;
  const walBefore = await wal();
  const serverBefore = processCpuSeconds(backend);
  const clientBefore = process.cpuUsage();
  return async () => {
    const client_ = process.cpuUsage(clientBefore);
    const serverCpuSeconds = processCpuSeconds(backend) - serverBefore;
    const { rows } = await client.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1) AS bytes',
      [walBefore],
    );
    return {
      serverCpuSeconds,
      clientCpuSeconds: (client_.user + client_.system) / 1e6,
      walBytes: Number(rows[0].bytes),
    };
  };
}
