/**
 * `node --expose-gc dist/bench/consumer-cpu.js [--batch B] [--rounds R]`: the consumer's own
 * CPU per event, in process, without a broker or a database: a partition batch of the
 * pipeline bench's messages through decodeBatch (the events pipeline's decode), the
 * repository's parameters, and pg's serialisation of them into the Bind message, as the
 * consumer does for every batch. Prints CPU µs per event of each part (median of the rounds;
 * with --expose-gc, each round starts after a full collection, so none pays for another's
 * garbage).
 *
 * It measures what the CPU profile of `bench:pipeline` points at, with none of the
 * run-to-run noise of the whole pipeline on 2 shared cores: a change to the decoder or to
 * the parameters shows here first, then in the pipeline.
 */
import 'reflect-metadata';
import { KafkaMessage } from 'kafkajs';
import { serialize } from 'pg-protocol';
import { DataSource } from 'typeorm';
import { DEFAULT_EVENT_LIMITS, keyedEventIds } from '@app/contracts';
import { ConsumerMetrics } from '../apps/consumer/src/metrics/consumer.metrics';
import { EventsPipeline } from '../apps/consumer/src/pipelines/events.pipeline';
import { EventBatchRepository } from '../apps/consumer/src/repositories/event-batch.repository';
import { decodeBatch } from '../apps/consumer/src/services/batch-decoder';
import { eventMessage } from './pipeline-events';
import { numberOption, say } from './support';

// pg's own conversion of query parameters (no types published for this file).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

const BATCH = numberOption('--batch', 7_700);
const ROUNDS = numberOption('--rounds', 30);

const gc = (globalThis as { gc?: () => void }).gc;

function kafkaMessages(count: number): KafkaMessage[] {
  return Array.from({ length: count }, (_, index) => {
    const { key, value } = eventMessage(index);
    return {
      offset: String(1_000_000 + index),
      key: Buffer.from(key as string),
      value: Buffer.from(value as string),
      timestamp: String(Date.now()),
      attributes: 0,
      headers: {},
    };
  });
}

/**
 * CPU time of this process so far, in ms: unlike wall time, it does not count the time spent
 * waiting for a core that others are using (the machine is shared).
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
/** Median, and the least (the round least disturbed by other processes). */
const stats = (values: number[]) =>
  `${median(values).toFixed(2).padStart(6)} (least ${Math.min(...values).toFixed(2)})`;

async function main(): Promise<void> {
  let params: unknown[] = [];
  const capture = {
    query: (_sql: string, values: unknown[]) => {
      params = values;
      return Promise.resolve([{ inserted: values.length }]);
    },
  } as unknown as DataSource;
  const repository = new EventBatchRepository(capture);
  const pipeline = new EventsPipeline(
    repository,
    DEFAULT_EVENT_LIMITS,
    keyedEventIds('consumer-cpu-bench-secret'),
    {} as ConsumerMetrics,
  );
  const messages = kafkaMessages(BATCH);
  const parts = { decode: [] as number[], parameters: [] as number[], serialise: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    gc?.();
    const t0 = cpuMs();
    const decoded = decodeBatch('events', 0, messages, pipeline, 'consumer/bench');
    const t1 = cpuMs();
    await pipeline.store(decoded.accepted.map((accepted) => accepted.row));
    const t2 = cpuMs();
    const bind = serialize.bind({ values: params.map(prepareValue) });
    const t3 = cpuMs();
    if (decoded.accepted.length !== BATCH || bind.length < BATCH)
      throw new Error(`${decoded.accepted.length} of ${BATCH} accepted`);
    const perEvent = (ms: number) => (ms * 1000) / BATCH;
    parts.decode.push(perEvent(t1 - t0));
    parts.parameters.push(perEvent(t2 - t1));
    parts.serialise.push(perEvent(t3 - t2));
  }
  const total = parts.decode.map((d, i) => d + parts.parameters[i] + parts.serialise[i]);
  say(`${ROUNDS} rounds of a ${BATCH}-message batch, medians, CPU µs per event:`);
  say(`  decodeBatch (decode, rows)          ${stats(parts.decode)}`);
  say(`  repository parameters               ${stats(parts.parameters)}`);
  say(`  pg prepareValue + Bind message      ${stats(parts.serialise)}`);
  say(`  total                               ${stats(total)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
