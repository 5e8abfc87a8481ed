import { Clock } from '../generation/clock';
import { Random } from '../generation/random';
import { RatePacer } from '../generation/rate-pacer';
import { OutgoingEvent } from '../publishing/outgoing-event';
import { PublishPipeline } from '../services/publish-pipeline';
import { TemplateCatalog } from '../templates/template-catalog';
import { LoadShare } from './load-share';

/**
 * Rate mode, inside one worker thread: events in batches at the share's rate (or as fast
 * as Kafka takes them when it is 0) until the share's count is reached or `signal` aborts.
 * Sources take turns, so each gets the same number of events.
 */
export class LoadGenerator {
  /** Events handed to the pipeline so far. */
  generated = 0;

  constructor(
    private readonly pipeline: PublishPipeline,
    private readonly catalog: TemplateCatalog,
    private readonly share: LoadShare,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Resolves with the number of events generated. */
  async run(signal: AbortSignal): Promise<number> {
    const { sources, rate, batchSize } = this.share;
    const count = this.share.count ?? Infinity;
    const pacer = rate > 0 ? new RatePacer(rate, this.clock) : undefined;
    let next = 0;
    while (!signal.aborted && this.generated < count) {
      const max = Math.min(batchSize, count - this.generated);
      const size = pacer ? await pacer.acquire(max, signal) : max;
      if (size === 0) break;
      await this.pipeline.submit(() => {
        this.generated += size;
        // One clock read per batch: its events are made within a millisecond or two.
        const now = new Date(this.clock.now()).toISOString();
        const batch = new Array<OutgoingEvent>(size);
        for (let i = 0; i < size; i++) {
          batch[i] = this.catalog.next(sources[next], now, this.random);
          next = next + 1 === sources.length ? 0 : next + 1;
        }
        return batch;
      }, signal);
    }
    return this.generated;
  }
}
