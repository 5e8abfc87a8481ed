/**
 * Preloaded into the consumer by `bench:pipeline --io-timing FILE` (`node --require`): times
 * every request of its kafkajs consumers (Fetch, OffsetCommit, Heartbeat, ..., by group) and every pg
 * query, without touching the product, and when the process exits writes to FILE where the
 * wall time of the drain went: per Kafka API and per statement, the count, total and longest,
 * between the start of the first and the end of the last write of events.
 *
 * A pg query's time runs from the call to its result: parameter serialisation when the
 * connection is free, the statement, the commit (the consumer's writes are autocommit) and
 * parsing the reply. A Kafka request's runs from sending it to its response.
 */
import { writeFileSync } from 'node:fs';
import { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { Client } from 'pg';

/** [what, start (epoch ms), duration (ms)] */
type Timing = [string, number, number];

const OUTPUT = process.env.BENCH_IO_TIMING_FILE;
/** The consumer's write of a batch of events: the drain's window runs from its first to its last. */
const EVENTS_WRITE = /^WITH inserted AS \( INSERT INTO events\b/;

const timings: Timing[] = [];

function patchKafka(): void {
  // Reflect.get: the originals are called with the right `this` below.
  const consumer: (this: Kafka, config: ConsumerConfig) => Consumer = Reflect.get(
    Kafka.prototype,
    'consumer',
  );
  Kafka.prototype.consumer = function (this: Kafka, config: ConsumerConfig) {
    const created = consumer.call(this, config);
    // By group: the idle notifications group's Fetch calls are long polls of maxWaitTimeInMs.
    created.on(created.events.REQUEST, ({ payload }) =>
      timings.push([
        `kafka ${payload.apiName} (${config.groupId})`,
        payload.sentAt,
        payload.duration,
      ]),
    );
    return created;
  };
}

function patchPg(): void {
  const query = Reflect.get(Client.prototype, 'query') as (
    this: Client,
    ...args: unknown[]
  ) => unknown;
  (Client.prototype as { query: unknown }).query = function (this: Client, ...args: unknown[]) {
    const started = Date.now();
    const text =
      typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text);
    const label = `pg ${text.replace(/\s+/g, ' ').trim().slice(0, 48)}`;
    const result = query.apply(this, args);
    if (result instanceof Promise) {
      const done = () => void timings.push([label, started, Date.now() - started]);
      result.then(done, done);
    }
    return result;
  };
}

/** Totals per kind of call within the drain's window, longest total first. */
export function summarise(all: readonly Timing[]): string {
  const writes = all.filter(([what]) => EVENTS_WRITE.test(what.slice(3)));
  if (writes.length === 0) return 'no write of events was timed\n';
  const from = Math.min(...writes.map(([, start]) => start));
  const to = Math.max(...writes.map(([, start, ms]) => start + ms));
  const byKind = new Map<string, { count: number; totalMs: number; maxMs: number }>();
  for (const [what, start, ms] of all) {
    if (start < from || start > to) continue;
    const entry = byKind.get(what) ?? { count: 0, totalMs: 0, maxMs: 0 };
    entry.count++;
    entry.totalMs += ms;
    entry.maxMs = Math.max(entry.maxMs, ms);
    byKind.set(what, entry);
  }
  const lines = [...byKind]
    .sort((a, b) => b[1].totalMs - a[1].totalMs)
    .map(
      ([what, { count, totalMs, maxMs }]) =>
        `${String(count).padStart(6)} calls ${String(totalMs).padStart(8)} ms total ${(totalMs / count).toFixed(1).padStart(8)} ms mean ${String(maxMs).padStart(6)} ms max  ${what}`,
    );
  return `drain window ${((to - from) / 1000).toFixed(2)} s (first to last write of events)\n${lines.join('\n')}\n`;
}

if (OUTPUT) {
  patchKafka();
  patchPg();
  process.on('exit', () => writeFileSync(OUTPUT, summarise(timings)));
}
