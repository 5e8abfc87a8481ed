import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../generation/clock';
import { CLOCK } from '../generation/clock.provider';
import { sourceIds } from '../generation/source-ids';
import { PropagatorMetrics } from '../metrics/propagator.metrics';
import { PropagatorConfig, runPlan } from '../propagator.config';
import { PublishTotals } from '../services/publish-pipeline';
import { splitLoad } from './load-share';
import {
  FromLoadWorker,
  LoadWorkerData,
  LoadWorkerStats,
  ToLoadWorker,
} from './load-worker.protocol';

/** How long a stopped worker may take beyond its own flush timeout before it is terminated. */
const STOP_GRACE_MS = 10000;

export interface LoadOutcome {
  /** Every worker delivered its whole count. */
  completed: boolean;
  /** Nothing was left pending when the workers stopped. */
  flushed: boolean;
}

/**
 * Rate mode from the main thread: starts the load workers, splits the sources, rate and
 * count between them, applies what they report to the Prometheus metrics, and stops them
 * (each flushes its own producer) on shutdown.
 */
@Injectable()
export class LoadWorkers {
  private readonly logger = new Logger('LoadWorkers');
  private readonly latest = new Map<number, LoadWorkerStats>();
  /** When the first worker started generating: achieved rates are measured from here. */
  startedAt: number | undefined;

  constructor(
    private readonly config: PropagatorConfig,
    private readonly metrics: PropagatorMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Events generated and the pipeline totals, summed over the workers. */
  get totals(): PublishTotals & { generated: number } {
    const sum = { generated: 0, published: 0, failedSends: 0, dropped: 0, pending: 0 };
    for (const { generated, totals } of this.latest.values()) {
      sum.generated += generated;
      sum.published += totals.published;
      sum.failedSends += totals.failedSends;
      sum.dropped += totals.dropped;
      sum.pending += totals.pending;
    }
    return sum;
  }

  /** Resolves when every worker is done; rejects when one fails. */
  async run(signal: AbortSignal): Promise<LoadOutcome> {
    const { rate, count } = runPlan(this.config);
    const shares = splitLoad(
      sourceIds(this.config.sourcePrefix, this.config.sources),
      this.config.workers,
      rate,
      count,
      this.config.batchSize,
    );
    const outcomes = await Promise.all(
      shares.map((share, index) =>
        this.runWorker({ index, config: { ...this.config }, share }, signal),
      ),
    );
    return {
      completed: outcomes.every((outcome) => outcome.completed),
      flushed: outcomes.every((outcome) => outcome.flushed),
    };
  }

  private runWorker(data: LoadWorkerData, signal: AbortSignal): Promise<LoadOutcome> {
    const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: data });
    let inFlight = 0;
    const apply = (stats: LoadWorkerStats) => {
      this.latest.set(data.index, stats);
      for (const [type, n] of Object.entries(stats.published)) this.metrics.published(type, n);
      for (let i = 0; i < stats.sendErrors; i++) this.metrics.sendFailed();
      for (const seconds of stats.sendSeconds) this.metrics.sendCompleted(seconds);
      this.metrics.inFlightChanged(stats.inFlightDelta);
      inFlight += stats.inFlightDelta;
    };

    return new Promise<LoadOutcome>((resolve, reject) => {
      let outcome: LoadOutcome | undefined;
      let failure: string | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = () => {
        worker.postMessage({ kind: 'stop' } satisfies ToLoadWorker);
        killTimer = setTimeout(() => {
          this.logger.error(`load worker ${data.index} did not stop in time; terminating it`);
          void worker.terminate();
        }, this.config.shutdownTimeoutMs + STOP_GRACE_MS);
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });

      worker.on('message', (message: FromLoadWorker) => {
        if (message.kind === 'failed') {
          failure = message.error;
          return;
        }
        if (message.kind === 'started') {
          this.startedAt ??= this.clock.now();
          return;
        }
        apply(message.stats);
        if (message.kind === 'done') {
          outcome = { completed: message.completed, flushed: message.flushed };
          // Its producer is disconnected: nothing left to wait for.
          void worker.terminate();
        }
      });
      worker.on('error', (error) => (failure ??= error.stack ?? error.message));
      worker.on('exit', (code) => {
        clearTimeout(killTimer);
        signal.removeEventListener('abort', stop);
        // Whatever it never reported as finished is no longer in flight.
        this.metrics.inFlightChanged(-inFlight);
        if (outcome) return resolve(outcome);
        reject(
          new Error(
            `load worker ${data.index} exited (code ${code}) before finishing: ${failure ?? 'no error reported'}`,
          ),
        );
      });
    });
  }
}
