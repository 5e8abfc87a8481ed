import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { IdempotentPublisher, settlesWithin, withTimeout } from '@app/kafka';
import { AlertingConfig } from '../alerting.config';
import { EvaluationService } from '../evaluation/evaluation.service';
import { RuleCatalog } from '../rules/rule-catalog.service';
import { statusReport } from './status-report';

/** A shutdown waits this long for the report in flight and then for the tombstone. */
const STOP_SEND_TIMEOUT_MS = 5000;

/**
 * Publishes what this replica runs to `alerting.status`: its rules file and the windows it
 * holds per rule, every ALERTING_STATUS_INTERVAL_MS and right after a rule change, so the
 * gateway can list the file's rules (it has no other way to know them) with their state. A
 * tombstone for the replica's key on shutdown says at once that its windows are gone; a replica
 * that dies without one is aged out by the gateway after 3 intervals.
 * A report is best-effort: a failed send is logged and the next interval sends afresh. It has
 * a producer of its own, so a report never waits in line with incident messages.
 */
@Injectable()
export class AlertingStatusReporter {
  private readonly logger = new Logger('AlertingStatus');
  /** Unique per process: a restarted replica holds none of the windows the old one did. */
  readonly replicaId = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly publisher: IdempotentPublisher;
  private readonly topic: string;
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  /** The send in flight; a report asked for meanwhile is sent once after it (`again`). */
  private sending: Promise<void> | null = null;
  private again = false;
  private soon = false;

  constructor(
    kafka: Kafka,
    private readonly config: AlertingConfig,
    private readonly catalog: RuleCatalog,
    private readonly evaluation: EvaluationService,
  ) {
    this.publisher = new IdempotentPublisher(kafka, { name: 'AlertingStatusPublisher' });
    this.topic = topicName(Topic.AlertingStatus, config.kafkaTopicPrefix);
    // The evaluations apply a change in their own listeners: report once they all have run.
    catalog.onChange(() => this.reportSoon());
  }

  async start(): Promise<void> {
    await this.publisher.connect();
    this.started = true;
    this.report();
    this.timer = setInterval(() => this.report(), this.config.statusIntervalMs);
    this.logger.log(
      `replica ${this.replicaId} reports to ${this.topic} every ${this.config.statusIntervalMs} ms`,
    );
  }

  async stop(): Promise<void> {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.sending) await settlesWithin(this.sending, STOP_SEND_TIMEOUT_MS);
    try {
      await withTimeout(
        this.publisher.send(this.topic, [{ key: this.replicaId, value: null }]),
        STOP_SEND_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        `no tombstone for replica ${this.replicaId} (${(error as Error).message}): the gateway ages its last report out`,
      );
    }
    await this.publisher.disconnect();
  }

  private reportSoon(): void {
    if (!this.started || this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.report();
    });
  }

  private report(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = this.send().finally(() => {
      this.sending = null;
      if (this.again) {
        this.again = false;
        this.report();
      }
    });
  }

  private async send(): Promise<void> {
    const report = statusReport({
      replicaId: this.replicaId,
      now: new Date(),
      intervalMs: this.config.statusIntervalMs,
      rulesFile: this.catalog.predefined(),
      keysByRule: this.evaluation.keysByRule(),
      pendingKeysByRule: this.evaluation.pendingKeysByRule(),
    });
    try {
      await this.publisher.send(this.topic, [
        { key: this.replicaId, value: JSON.stringify(report) },
      ]);
    } catch (error) {
      this.logger.warn(`status report not published: ${(error as Error).message}`);
    }
  }
}
