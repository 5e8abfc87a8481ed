import { Inject, Injectable, Logger } from '@nestjs/common';
import { PropagatorConfig } from '../propagator.config';
import { Clock } from '../generation/clock';
import { CLOCK } from '../generation/clock.provider';
import { hostMetricEvents } from '../host/host-metric-events';
import { HostMetricsSampler } from '../host/host-metrics.sampler';
import { HostMetricsGauges } from '../metrics/host-metrics.gauges';
import { PublishPipeline } from './publish-pipeline';

/** Publishes this host's CPU, memory, disk and load as metric events (and gauges) every interval. */
@Injectable()
export class HostMetricsReporter {
  private readonly logger = new Logger('HostMetrics');

  constructor(
    private readonly pipeline: PublishPipeline,
    private readonly sampler: HostMetricsSampler,
    private readonly gauges: HostMetricsGauges,
    private readonly config: PropagatorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Runs until `signal` aborts; the first sample comes one interval after the start. */
  async run(signal: AbortSignal): Promise<void> {
    for (;;) {
      await this.clock.sleep(this.config.hostMetricsIntervalMs, signal);
      if (signal.aborted) return;
      try {
        const sample = await this.sampler.sample();
        this.gauges.record(sample, this.config.diskPath);
        const now = new Date(this.clock.now());
        await this.pipeline.submit(hostMetricEvents(sample, this.config.diskPath, now), signal);
      } catch (error) {
        // A failed reading (the disk unmounted...) skips one sample; the next may work.
        this.logger.warn(`host metrics not sampled: ${(error as Error).message}`);
      }
    }
  }
}
