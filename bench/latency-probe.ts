/**
 * Times publish-to-incident from a worker thread of its own. The load generator keeps the
 * benchmark's main event loop busy (building and encoding 10,000 events/s); a probe stamped
 * and read on that loop would time the generator's queue as much as the pipeline, so the
 * probe's producer and watcher run on an event loop that does nothing else.
 */
import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { IHeaders, Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { LifecycleTimingHeader, type LifecycleMessage } from '@app/contracts';
import type { ProbeStamps } from './stage-table';

export interface ProbeOptions {
  /** Brokers, and TLS/SASL for an external cluster (RunningInfrastructure.kafkaOptions). */
  kafka: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>;
  eventsTopic: string;
  notificationsTopic: string;
  watcherGroupId: string;
  /** Event type the probe rule matches; each probe has a source of its own (its group key). */
  probeType: string;
  perSecond: number;
}

export interface ProbeResult {
  sent: number;
  /** Every probe whose incident was read back, stamped at each stage (see ProbeStamps). */
  probes: ProbeStamps[];
}

export interface RunningProbe {
  /** Stops sending probes; resolves with how many were sent. */
  stopSending(): Promise<number>;
  /** Waits `settleMs` for the last incidents, stops the watcher and returns the timings. */
  finish(settleMs: number): Promise<ProbeResult>;
}

type FromWorker = { started: true } | { sent: number } | { result: ProbeResult };
type ToWorker = { stopSending: true } | { finish: number };

/** Starts the probe in a worker; resolves once its watcher is subscribed and sending began. */
export function startLatencyProbe(options: ProbeOptions): Promise<RunningProbe> {
  const worker = new Worker(__filename, { workerData: options });
  const next = <T>(pick: (message: FromWorker) => T | undefined, request?: ToWorker) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: FromWorker) => {
        const value = pick(message);
        if (value === undefined) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(value);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      if (request) worker.postMessage(request);
    });
  return next((m) => ('started' in m ? true : undefined)).then(() => ({
    stopSending: () => next((m) => ('sent' in m ? m.sent : undefined), { stopSending: true }),
    finish: async (settleMs) => {
      const result = await next((m) => ('result' in m ? m.result : undefined), {
        finish: settleMs,
      });
      await worker.terminate();
      return result;
    },
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runProbe(options: ProbeOptions): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench-probe',
    ...options.kafka,
    logLevel: logLevel.ERROR,
  });
  const sentAt = new Map<string, Pick<ProbeStamps, 'sent' | 'appended' | 'acknowledged'>>();
  const result: ProbeResult = { sent: 0, probes: [] };
  const watcher = kafka.consumer({ groupId: options.watcherGroupId, maxWaitTimeInMs: 20 });
  await watcher.connect();
  await watcher.subscribe({ topic: options.notificationsTopic, fromBeginning: true });
  await watcher.run({
    eachMessage: ({ message }) => {
      const read = Date.now();
      const lifecycle = JSON.parse(String(message.value)) as LifecycleMessage;
      const sent = sentAt.get(lifecycle.incident.groupKey);
      if (lifecycle.kind === 'incident.opened' && sent !== undefined) {
        // The same object: a probe acknowledged after its incident was read still gets its stamps.
        result.probes.push(
          Object.assign(sent, {
            fetched: headerTime(message.headers, LifecycleTimingHeader.FetchedAt),
            evaluating: Date.parse(lifecycle.at),
            evaluated: headerTime(message.headers, LifecycleTimingHeader.EvaluatedAt),
            // The notifications topic stamps LogAppendTime (the benchmark sets it).
            incidentAppended: Number(message.timestamp),
            read,
          }),
        );
      }
      return Promise.resolve();
    },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let sending = true;
  let finish: ((settleMs: number) => void) | undefined;
  const finishing = new Promise<number>((resolve) => (finish = resolve));
  parentPort!.on('message', (message: ToWorker) => {
    if ('stopSending' in message) sending = false;
    else finish!(message.finish);
  });
  parentPort!.postMessage({ started: true } satisfies FromWorker);
  for (let n = 0; sending; n++) {
    const source = `probe-${n}`;
    const occurredAt = new Date().toISOString();
    const stamps = { sent: Date.now(), appended: NaN, acknowledged: NaN };
    sentAt.set(source, stamps);
    const [written] = await producer.send({
      topic: options.eventsTopic,
      acks: -1,
      messages: [
        {
          key: source,
          value: JSON.stringify({
            id: randomUUID(),
            type: options.probeType,
            source,
            severity: 'medium',
            occurredAt,
            value: 1,
            payload: null,
          }),
        },
      ],
    });
    // logAppendTime is the broker's clock when it appended the record (-1 under CreateTime).
    stamps.acknowledged = Date.now();
    stamps.appended = Number(written.logAppendTime);
    result.sent++;
    await sleep(1000 / options.perSecond);
  }
  parentPort!.postMessage({ sent: result.sent } satisfies FromWorker);
  await sleep(await finishing);
  await watcher.disconnect();
  await producer.disconnect();
  parentPort!.postMessage({ result } satisfies FromWorker);
}

function headerTime(headers: IHeaders | undefined, name: string): number {
  const value = headers?.[name];
  return value === undefined ? NaN : Number(String(value));
}

if (!isMainThread && (workerData as ProbeOptions | undefined)?.probeType) {
  runProbe(workerData as ProbeOptions).catch((error: unknown) => {
    throw error;
  });
}
