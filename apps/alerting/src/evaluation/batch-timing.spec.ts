import { Registry } from 'prom-client';
import { LifecycleTimingHeader } from '@app/contracts';
import { fakeBatch } from '@app/kafka/testing/fake-batch';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { BatchTiming } from './batch-timing';

const message = (offset: number, timestamp: number) => ({
  key: null,
  value: Buffer.from('{}'),
  offset: String(offset),
  timestamp: String(timestamp),
  attributes: 0,
  headers: {},
});

describe('BatchTiming', () => {
  afterEach(() => jest.useRealTimers());

  it('sets the lag from the newest event and observes fetch-to-evaluated and evaluated-to-acknowledged', async () => {
    jest.useFakeTimers({ now: 10_000 });
    const registry = new Registry();
    const metrics = new AlertingMetrics(registry);
    const batch = {
      ...fakeBatch('events', 0, [message(1, 7_000), message(2, 8_500)]),
      fetchedAt: 9_700,
    };

    const timing = BatchTiming.evaluated(metrics, batch);
    jest.setSystemTime(10_400);
    timing.acknowledged();

    expect((await metrics.lag.get()).values).toEqual([{ labels: { topic: 'events' }, value: 1.5 }]);
    // A histogram's values are its buckets, then its _sum and _count (metricName says which).
    const sum = async (name: string) => {
      const values = (await registry.getSingleMetric(name)!.get()).values as Array<{
        metricName?: string;
        value: number;
      }>;
      return values.find((v) => v.metricName?.endsWith('_sum'))!.value;
    };
    expect(await sum('eventmon_alerting_fetch_to_evaluated_seconds')).toBeCloseTo(0.3);
    expect(await sum('eventmon_alerting_evaluated_to_acknowledged_seconds')).toBeCloseTo(0.4);
    expect(timing.headers()).toEqual({
      [LifecycleTimingHeader.FetchedAt]: '9700',
      [LifecycleTimingHeader.EvaluatedAt]: '10000',
    });
  });

  it('keeps one lag series per topic, so a lagging repartition path shows beside a prompt events one', async () => {
    jest.useFakeTimers({ now: 20_000 });
    const metrics = new AlertingMetrics(new Registry());
    const batchOf = (topic: string, timestamp: number) => ({
      ...fakeBatch(topic, 0, [message(1, timestamp)]),
      fetchedAt: 20_000,
    });

    BatchTiming.evaluated(metrics, batchOf('alerting-repartition', 14_000));
    BatchTiming.evaluated(metrics, batchOf('events', 19_800));

    const series = (await metrics.lag.get()).values.map(({ labels, value }) => ({ labels, value }));
    expect(series).toEqual(
      expect.arrayContaining([
        { labels: { topic: 'alerting-repartition' }, value: 6 },
        { labels: { topic: 'events' }, value: 0.2 },
      ]),
    );
    expect(series).toHaveLength(2);
  });
});
