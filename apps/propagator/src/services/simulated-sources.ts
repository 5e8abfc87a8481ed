import { Inject, Injectable } from '@nestjs/common';
import { PropagatorConfig } from '../propagator.config';
import { jitteredInterval } from '@app/resilience';
import { Clock } from '../generation/clock';
import { CLOCK, RANDOM } from '../generation/clock.provider';
import { Random } from '../generation/random';
import { sourceIds } from '../generation/source-ids';
import { TemplateCatalog } from '../templates/template-catalog';
import { PublishPipeline } from './publish-pipeline';

/** +/-20 %: sources drift apart like real clients instead of firing in lockstep. */
const JITTER = 0.2;

/**
 * Interval mode: every source publishes one event (a weighted-random template) per
 * interval, each on its own timer, like independent clients.
 */
@Injectable()
export class SimulatedSources {
  constructor(
    private readonly pipeline: PublishPipeline,
    private readonly catalog: TemplateCatalog,
    private readonly config: PropagatorConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RANDOM) private readonly random: Random,
  ) {}

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const sources = sourceIds(this.config.sourcePrefix, this.config.sources);
    await Promise.all(sources.map((source) => this.runSource(source, signal)));
  }

  private async runSource(source: string, signal: AbortSignal): Promise<void> {
    // Start at a random point of the first interval so the sources are spread out.
    await this.clock.sleep(this.random() * this.config.intervalMs, signal);
    while (!signal.aborted) {
      const now = new Date(this.clock.now()).toISOString();
      // Waits here while Kafka is behind: a source never queues events of its own.
      await this.pipeline.submit([this.catalog.next(source, now, this.random)], signal);
      await this.clock.sleep(jitteredInterval(this.config.intervalMs, JITTER, this.random), signal);
    }
  }
}
