import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Admin, Kafka } from 'kafkajs';
import { ConsumerStallMonitor } from './consumer-stall-monitor';
import { withTimeout } from './settles-within';

/**
 * Reports Kafka as up when the cluster answers a metadata request within the timeout, and
 * the process's consumers as up unless one is stalled.
 */
@Injectable()
export class KafkaHealthIndicator implements OnModuleDestroy {
  private admin: Admin | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly health: HealthIndicatorService,
    private readonly stallMonitor: ConsumerStallMonitor,
  ) {}

  /**
   * Down when a consumer group of this process has lag and made no progress for
   * KAFKA_STALL_TIMEOUT_MS, naming it; an idle group is up. No I/O: the monitor looks itself.
   */
  consumers(key = 'consumers'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    const stalled = this.stallMonitor.stalls();
    if (stalled.length === 0) return indicator.up();
    return indicator.down({
      message: stalled
        .map(
          (s) =>
            `${s.consumer} (group ${s.groupId}, ${s.topics.join(', ')}): no progress for ${Math.round(s.noProgressForMs / 1000)} s with ${s.lag} messages waiting`,
        )
        .join('; '),
      stalled,
    });
  }

  async check(key = 'kafka', timeoutMs = 3000): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      this.admin ??= this.kafka.admin();
      await withTimeout(this.admin.connect(), timeoutMs);
      const cluster = await withTimeout(this.admin.describeCluster(), timeoutMs);
      return indicator.up({ brokers: cluster.brokers.length, controller: cluster.controller });
    } catch (error) {
      // Start from a fresh connection next time rather than reuse a broken one.
      const admin = this.admin;
      this.admin = undefined;
      void admin?.disconnect().catch(() => undefined);
      return indicator.down({ message: (error as Error).message });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect();
  }
}
