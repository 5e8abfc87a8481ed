import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Mode, PropagatorConfig, RunPlan, runPlan, sinkOf } from '../propagator.config';
import { Clock } from '../generation/clock';
import { CLOCK } from '../generation/clock.provider';
import { describeSink } from '../publishing/events-sink';
import { EventsTopicPublisher } from '../publishing/events-topic.publisher';
import { TemplateCatalog } from '../templates/template-catalog';
import { LoadWorkers } from '../workers/load-workers.service';
import { HostMetricsReporter } from './host-metrics.reporter';
import { PublishPipeline } from './publish-pipeline';
import { SimulatedSources } from './simulated-sources';

const PROGRESS_EVERY_MS = 5000;

/**
 * Runs the propagator: creates the topic, starts the generators of the configured mode,
 * and on shutdown stops them and flushes every pending event before the producers
 * disconnect. In rate mode `completed` resolves when the run ends by itself (true when
 * exactly `count` events were acknowledged), and main() closes the application.
 */
@Injectable()
export class PropagatorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Propagator');
  private readonly plan: RunPlan;
  private readonly stop = new AbortController();
  private generators: Promise<unknown> = Promise.resolve();
  private startedAt = 0;
  private progressTimer: NodeJS.Timeout | undefined;
  private summarized = false;
  /** False once a load worker could not deliver everything it generated. */
  private loadFlushed = true;
  private finish: (ok: boolean) => void = () => undefined;
  /** Rate mode: resolves when the run ended by itself. Never resolves otherwise. */
  readonly completed = new Promise<boolean>((resolve) => (this.finish = resolve));

  constructor(
    private readonly config: PropagatorConfig,
    private readonly publisher: EventsTopicPublisher,
    private readonly pipeline: PublishPipeline,
    private readonly catalog: TemplateCatalog,
    private readonly sources: SimulatedSources,
    private readonly load: LoadWorkers,
    private readonly hostMetrics: HostMetricsReporter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.plan = runPlan(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    const kafka = sinkOf(this.config) === 'kafka';
    if (kafka) await this.publisher.ensureTopic();
    // The main thread's producer carries interval-mode and host events; load has its own.
    if (kafka && (this.plan.mode === Mode.Interval || this.plan.hostMetrics)) {
      await this.publisher.connect();
    }
    this.startedAt = this.clock.now();
    const running: Promise<unknown>[] = [];
    if (this.plan.mode === Mode.Interval) running.push(this.sources.run(this.stop.signal));
    else running.push(this.runLoad());
    if (this.plan.hostMetrics) running.push(this.hostMetrics.run(this.stop.signal));
    this.generators = Promise.all(running);
    if (this.plan.mode === Mode.Rate) {
      this.progressTimer = setInterval(() => this.logProgress(), PROGRESS_EVERY_MS).unref();
    }
    this.logger.log(
      `publishing to ${describeSink(this.config, this.publisher)}: ${this.describePlan()}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearInterval(this.progressTimer);
    // Load workers flush their own producers (bounded by shutdownTimeoutMs) before they end.
    await this.generators;
    const flushed = (await this.pipeline.flush(this.config.shutdownTimeoutMs)) && this.loadFlushed;
    this.logSummary(flushed ? 'stopped' : 'stopped, flush timed out');
    // A stop that could not deliver what it had accepted is not a clean one.
    if (!flushed) process.exitCode = 1;
  }

  private async runLoad(): Promise<void> {
    let ok = false;
    try {
      const outcome = await this.load.run(this.stop.signal);
      ok = outcome.completed;
      this.loadFlushed = outcome.flushed;
    } catch (error) {
      this.loadFlushed = false;
      this.logger.error((error as Error).message);
    }
    // Stopped by a signal: the shutdown hooks flush and report.
    if (this.stop.signal.aborted) return;
    // Ended by itself: the count was reached, or a worker failed (without a count, workers
    // only end when stopped). Stop the host metrics, flush, report; main() exits.
    this.stop.abort();
    clearInterval(this.progressTimer);
    await this.pipeline.flush(this.config.shutdownTimeoutMs);
    this.logSummary(ok ? 'completed' : 'failed');
    this.finish(ok);
  }

  private describePlan(): string {
    const { mode, rate, count, hostMetrics } = this.plan;
    const templates = `${this.catalog.templates.length} templates from ${this.config.eventsFile}`;
    const sources = `${this.config.sources} sources (${this.config.sourcePrefix}1..)`;
    const host = hostMetrics
      ? `, host metrics every ${this.config.hostMetricsIntervalMs} ms`
      : ', no host metrics';
    if (mode === Mode.Interval) {
      return `interval mode, ${sources} every ${this.config.intervalMs} ms, ${templates}${host}`;
    }
    const pace = rate > 0 ? `${rate} events/s` : 'as fast as possible';
    const until = count !== undefined ? `, ${count} events` : ', until stopped';
    const threads = `${Math.min(this.config.workers, this.config.sources)} worker threads`;
    return `rate mode, ${pace}${until}, ${sources}, ${threads}, ${templates}${host}`;
  }

  /** Seconds since generation started (in rate mode, once the load workers were ready). */
  private elapsedSeconds(): number {
    const since =
      this.plan.mode === Mode.Rate ? (this.load.startedAt ?? this.startedAt) : this.startedAt;
    return (this.clock.now() - since) / 1000;
  }

  private totals() {
    const main = this.pipeline.totals;
    const load = this.load.totals;
    return {
      generated: load.generated,
      published: main.published + load.published,
      failedSends: main.failedSends + load.failedSends,
      dropped: main.dropped + load.dropped,
      pending: main.pending + load.pending,
    };
  }

  private logProgress(): void {
    const { published, pending } = this.totals();
    const seconds = this.elapsedSeconds();
    this.logger.log(
      `published ${published} events in ${seconds.toFixed(1)} s (${rateOf(published, seconds)} events/s), ${pending} pending`,
    );
  }

  /** The flush summary: what was generated, acknowledged, lost, and the achieved rate. */
  private logSummary(outcome: string): void {
    if (this.summarized) return;
    this.summarized = true;
    const { generated, published, failedSends, dropped, pending } = this.totals();
    const seconds = this.elapsedSeconds();
    const made = this.plan.mode === Mode.Rate ? `generated ${generated}, ` : '';
    this.logger.log(
      `${outcome}: ${made}published ${published} events in ${seconds.toFixed(1)} s ` +
        `(${rateOf(published, seconds)} events/s), ${failedSends} failed sends, ` +
        `${dropped} dropped, ${pending} unsent`,
    );
  }
}

function rateOf(events: number, seconds: number): number {
  return seconds > 0 ? Math.round(events / seconds) : 0;
}
