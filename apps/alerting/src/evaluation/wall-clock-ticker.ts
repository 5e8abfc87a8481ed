import { LoggerService } from '@nestjs/common';
import { LifecycleMessage } from '@app/contracts';
import { AlertEngine } from '@app/engine';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { TransitionHandler } from './transition-handler';

/** Keys evaluated per turn of the event loop during a tick (a few milliseconds of work). */
const TICK_CHUNK_KEYS = 2000;
/** How often resolved incidents nothing decides on any more are dropped from the book. */
const INCIDENT_SWEEP_MS = 60_000;

export interface WallClockTickerParts {
  /** The engine of the moment (a rebuild replaces it). */
  engine: () => Pick<AlertEngine, 'tick' | 'takeEvictedKeys' | 'hasDueKeys'>;
  /** False while stopping, while the windows replay, or with no partition owned. */
  mayTick: () => boolean;
  transitions: Pick<TransitionHandler, 'handle' | 'forgetStaleIncidents'>;
  publish: (messages: LifecycleMessage[]) => Promise<void>;
  /** The look-back a rebuild replays (resolved incidents within it are kept). */
  lookbackMs: () => number;
  metrics: Pick<AlertingMetrics, 'keysEvicted'>;
  logger: LoggerService;
}

/**
 * The wall clock moves windows on with no events: "fewer than" rules fire on silence, and
 * idle keys are evicted. Thousands of keys can fall due at once (every key of a tumbling
 * rule at a bucket end): they are evaluated in chunks with the event loop free in between,
 * so a large tick never holds up the evaluation of incoming events for more than a few
 * milliseconds. Ticks never overlap.
 */
export class WallClockTicker {
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private lastIncidentSweep = 0;

  constructor(
    private readonly parts: WallClockTickerParts,
    private readonly chunkKeys = TICK_CHUNK_KEYS,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One tick at `now`; resolves once its last chunk is evaluated (publishing goes on). */
  tick(now = Date.now()): Promise<void> {
    if (this.ticking || !this.parts.mayTick()) return Promise.resolve();
    this.ticking = true;
    if (now - this.lastIncidentSweep >= INCIDENT_SWEEP_MS) {
      this.lastIncidentSweep = now;
      this.parts.transitions.forgetStaleIncidents(now, this.parts.lookbackMs());
    }
    return this.tickInChunks(now)
      .catch(
        (error: Error) => void this.parts.logger.error(`wall-clock tick failed: ${error.message}`),
      )
      .finally(() => (this.ticking = false));
  }

  private async tickInChunks(now: number): Promise<void> {
    const { parts } = this;
    const engine = parts.engine();
    for (;;) {
      const messages = parts.transitions.handle(engine.tick(now, this.chunkKeys), new Date(now));
      for (const [rule, evicted] of engine.takeEvictedKeys()) {
        parts.metrics.keysEvicted.inc({ rule }, evicted);
      }
      if (messages.length > 0) {
        void parts
          .publish(messages)
          .catch(
            (error: Error) =>
              void parts.logger.error(
                `incidents from the wall-clock tick not published: ${error.message}`,
              ),
          );
      }
      if (!engine.hasDueKeys()) return;
      await new Promise((resolve) => setImmediate(resolve));
      // A rebuild replaced the engine meanwhile (the new one ticks from scratch), or evaluation stopped.
      if (engine !== parts.engine() || !parts.mayTick()) return;
    }
  }
}
