import { LifecycleTimingHeader } from '@app/contracts';
import { PartitionBatch } from '@app/kafka';
import { AlertingMetrics } from '../metrics/alerting.metrics';

type TimingMetrics = Pick<AlertingMetrics, 'lag' | 'fetchToEvaluated' | 'evaluatedToAcknowledged'>;

/**
 * Where a batch's time goes between its fetch and its incidents on the topic: observed as
 * metrics (cheap: a few numbers per batch) and carried on the lifecycle messages it decided,
 * so one incident's delay can be split into its stages.
 */
export class BatchTiming {
  private constructor(
    private readonly metrics: TimingMetrics,
    private readonly fetchedAt: number,
    private readonly evaluatedAt: number,
  ) {}

  /**
   * The batch is evaluated: the lag is the age of its newest record by its Kafka timestamp,
   * so it grows whenever evaluation falls behind the topic, whatever holds it up. Each topic
   * keeps its own series: a lagging repartition path must not hide behind a prompt events one.
   */
  static evaluated(metrics: TimingMetrics, batch: PartitionBatch): BatchTiming {
    const evaluatedAt = Date.now();
    const newest = Number(batch.messages[batch.messages.length - 1].timestamp);
    if (Number.isFinite(newest)) {
      metrics.lag.set({ topic: batch.topic }, Math.max(0, evaluatedAt - newest) / 1000);
    }
    metrics.fetchToEvaluated.observe(Math.max(0, evaluatedAt - batch.fetchedAt) / 1000);
    return new BatchTiming(metrics, batch.fetchedAt, evaluatedAt);
  }

  headers(): Record<string, string> {
    return {
      [LifecycleTimingHeader.FetchedAt]: String(this.fetchedAt),
      [LifecycleTimingHeader.EvaluatedAt]: String(this.evaluatedAt),
    };
  }

  /** The broker acknowledged the batch's lifecycle messages. */
  acknowledged(): void {
    this.metrics.evaluatedToAcknowledged.observe((Date.now() - this.evaluatedAt) / 1000);
  }
}
