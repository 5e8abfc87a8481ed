import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { RetentionPassReport, runRetentionPass } from '@app/database';
import { ConsumerConfig } from '../consumer.config';
import { RetentionMetrics } from '../metrics/retention.metrics';
import { passSummary } from './pass-summary';

/**
 * Runs the retention pass (`runRetentionPass`: day partitions made ahead, expired partitions
 * and rows removed) once before the consumer starts consuming, so today's partition is there
 * for its first batch, then every RETENTION_INTERVAL_SECONDS. Every replica runs it; an
 * advisory lock lets one at a time do a pass and the others skip theirs. A failing pass never
 * stops consumption: rows whose day has no partition land in the DEFAULT one, and the next
 * pass moves them.
 */
@Injectable()
export class RetentionService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly config: ConsumerConfig,
    private readonly metrics: RetentionMetrics,
  ) {}

  /** The first pass, awaited, then one every interval. */
  async start(): Promise<void> {
    await this.pass();
    if (this.stopping) return;
    this.timer = setInterval(() => void this.pass(), this.config.retentionIntervalSeconds * 1000);
  }

  /** A pass, or the one already running: passes of one process never overlap. */
  pass(): Promise<void> {
    this.running ??= this.runPass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer, and the pass in hand between two of its statements. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async runPass(): Promise<void> {
    if (this.stopping) return;
    try {
      this.record(
        await runRetentionPass(this.config.databaseUrl, this.config, {
          stopped: () => this.stopping,
          applicationName: 'eventmon-consumer-retention',
        }),
      );
    } catch (error) {
      this.metrics.passes.inc({ outcome: 'failed' });
      this.logger.error(`retention pass failed: ${(error as Error).message}`);
    }
  }

  private record(report: RetentionPassReport): void {
    this.metrics.passes.inc({ outcome: report.outcome });
    if (report.outcome === 'skipped') {
      this.logger.debug(`retention pass skipped: ${report.problems.join('; ')}`);
      return;
    }
    this.metrics.partitionsCreated.inc(report.created.length);
    this.metrics.partitionsDropped.inc(report.dropped.length);
    this.metrics.rowsMoved.inc(report.moved);
    for (const [table, rows] of Object.entries(report.deleted)) {
      this.metrics.rowsDeleted.inc({ table }, rows);
    }
    this.metrics.lastPassDuration.set(report.durationMs / 1000);
    this.metrics.lastPassTime.set(Date.now() / 1000);
    const summary = passSummary(report);
    if (!summary) return;
    if (report.outcome === 'failed') this.logger.warn(`retention pass: ${summary}`);
    else this.logger.log(`retention pass: ${summary}`);
  }
}
