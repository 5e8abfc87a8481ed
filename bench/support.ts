/** What the benchmarks share: options, output, paced publishing, process memory. */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Message, Producer } from 'kafkajs';
import { startInfrastructure } from '../tools/stack/infrastructure';

const args = process.argv.slice(2);

export const numberOption = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};

export const stringOption = (name: string, fallback: string): string => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};

export const say = (line: string): void => void process.stdout.write(`${line}\n`);
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

const SEND_BATCH = 1000;
const SENDS_IN_FLIGHT = 4;

/**
 * Publishes `count` messages made by `messageAt(index)`, at most SENDS_IN_FLIGHT batches
 * outstanding, optionally paced to `ratePerSecond`. Returns the seconds it took.
 */
export async function publish(
  producer: Producer,
  topic: string,
  count: number,
  messageAt: (index: number) => Message,
  ratePerSecond = 0,
): Promise<number> {
  const started = Date.now();
  const inFlight = new Set<Promise<unknown>>();
  for (let sent = 0; sent < count; sent += SEND_BATCH) {
    if (ratePerSecond > 0) {
      const due = started + (sent / ratePerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const size = Math.min(SEND_BATCH, count - sent);
    const messages = Array.from({ length: size }, (_, i) => messageAt(sent + i));
    const send: Promise<unknown> = producer
      .send({ topic, acks: -1, messages })
      .finally(() => inFlight.delete(send));
    inFlight.add(send);
    if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return (Date.now() - started) / 1000;
}

/** VmHWM is the kernel's own high-water mark of the process's resident memory. */
export function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } {
  if (!pid) return { rssMb: NaN, peakMb: NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Busy and total CPU time of the whole machine so far (from /proc/stat), in clock ticks. */
export function machineCpuTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th fields.
  return { busy: total - ticks[3] - ticks[4], total };
}

/** Share of the machine's CPU that was busy between two machineCpuTicks() readings, in %. */
export const cpuBusyPercent = (
  before: { busy: number; total: number },
  after: { busy: number; total: number },
): number => (100 * (after.busy - before.busy)) / (after.total - before.total);

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The benchmarks' broker and database: their own ports and state (a fresh broker each run),
 * or KAFKA_BROKERS / DATABASE_URL when set. Returns a Kafka client, a topic prefix, and the
 * EVENT_ID_SECRET every app of the run shares (EVENT_ID_SECRET when set, else a random one).
 */
export async function startBenchInfrastructure(root: string) {
  const stateDir = join(root, '.local', 'bench');
  if (!process.env.KAFKA_BROKERS) rmSync(join(stateDir, 'kafka'), { recursive: true, force: true });
  const infra = await startInfrastructure({
    repoRoot: root,
    stateDir,
    kafkaPort: 29392,
    kafkaControllerPort: 29393,
    postgresPort: 55436,
    externalKafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    externalDatabaseUrl: process.env.DATABASE_URL || undefined,
    log: (line) => say(`[infra] ${line}`),
  });
  const kafka = new Kafka({
    clientId: 'bench',
    ...infra.kafkaOptions,
    logLevel: logLevel.ERROR,
  });
  return {
    infra,
    kafka,
    prefix: `bench-${Date.now().toString(36)}-`,
    eventIdSecret: process.env.EVENT_ID_SECRET || randomBytes(32).toString('hex'),
  };
}
