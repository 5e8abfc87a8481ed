/**
 * Entry point of a load worker thread (rate mode). kafkajs spends about 15 us of CPU per
 * message (a zeroed buffer per record, CRC, grouping by partition), so one thread tops out
 * at 50,000-75,000 events/s on a 2-core host, less when the host is busy. Each worker runs its
 * own idempotent producer on its own sources, and the main thread stays free to answer
 * /health and /metrics while the workers saturate the cores.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { createKafkaClient } from '@app/kafka';
import { createJsonLogger } from '@app/observability';
import { systemClock } from '../generation/clock';
import { PropagatorConfig, sinkOf } from '../propagator.config';
import { eventsSink } from '../publishing/events-sink';
import { EventsTopicPublisher } from '../publishing/events-topic.publisher';
import { PublishPipeline } from '../services/publish-pipeline';
import { TemplateCatalog } from '../templates/template-catalog';
import { loadTemplates } from '../templates/template-file';
import { LoadGenerator } from './load-generator';
import { FromLoadWorker, LoadWorkerData, ToLoadWorker } from './load-worker.protocol';
import { StatsAccumulator } from './stats-accumulator';

const STATS_EVERY_MS = 250;

async function runWorker(port: NonNullable<typeof parentPort>, data: LoadWorkerData) {
  const config = Object.assign(new PropagatorConfig(), data.config);
  Logger.overrideLogger(createJsonLogger('propagator', config.logLevel));
  const post = (message: FromLoadWorker) => port.postMessage(message);

  // Validated by the main thread already; read again because a thread shares no objects.
  const catalog = new TemplateCatalog(loadTemplates(config.eventsFile));
  const kafka = createKafkaClient({
    connection: config,
    clientId: `eventmon-propagator-${data.index}`,
    logLevel: config.logLevel,
  });
  const publisher = new EventsTopicPublisher(kafka, config);
  const stats = new StatsAccumulator();
  const counting = data.share.count !== undefined;
  const pipeline = new PublishPipeline(
    eventsSink(config, publisher, systemClock),
    stats,
    { maxInFlight: config.maxInFlight, retryUntilDelivered: counting },
    systemClock,
  );
  const generator = new LoadGenerator(pipeline, catalog, data.share, systemClock, Math.random);

  const stop = new AbortController();
  const stopped = new Promise<void>((resolve) =>
    stop.signal.addEventListener('abort', () => resolve()),
  );
  port.on('message', (message: ToLoadWorker) => {
    if (message.kind === 'stop') stop.abort();
  });
  const report = () => stats.take(generator.generated, pipeline.totals);
  const timer = setInterval(() => post({ kind: 'stats', stats: report() }), STATS_EVERY_MS);

  if (sinkOf(config) === 'kafka') await publisher.connect();
  post({ kind: 'started' });
  await generator.run(stop.signal);
  const completedCount = counting && !stop.signal.aborted;
  // A finished count is delivered whatever it takes, unless a stop asks for the bounded flush.
  let flushed = completedCount
    ? await Promise.race([pipeline.flush(), stopped.then(() => undefined)])
    : undefined;
  flushed ??= await pipeline.flush(config.shutdownTimeoutMs);
  await publisher.disconnect().catch(() => undefined);
  clearInterval(timer);
  post({
    kind: 'done',
    stats: report(),
    completed: completedCount && flushed && pipeline.totals.published === data.share.count,
    flushed,
  });
  port.close();
}

if (parentPort) {
  const port = parentPort;
  runWorker(port, workerData as LoadWorkerData).catch((error: unknown) => {
    port.postMessage({
      kind: 'failed',
      error: (error as Error)?.stack ?? String(error),
    } satisfies FromLoadWorker);
    process.exit(1);
  });
}
