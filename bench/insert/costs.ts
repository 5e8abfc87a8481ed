/**
 * What a pass of `bench:insert` cost beyond wall time, which on a shared 2-core machine moves
 * by a third from run to run: CPU seconds of the PostgreSQL backend that ran the statements
 * and of this process, and the WAL the server wrote. CPU and WAL bytes do not count the
 * time spent waiting for a core, so they separate levers that wall time cannot.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s everywhere Node runs on Linux. */
const TICKS_PER_SECOND = 100;

export interface Costs {
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  walBytes: number;
}

/** utime + stime of a process on this machine (the database runs here: the bench's own). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces, closed by its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

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
