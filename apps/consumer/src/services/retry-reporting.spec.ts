import {
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { Registry } from 'prom-client';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import { reportingRetryHooks } from './retry-reporting';

describe('reportingRetryHooks', () => {
  async function waitingGauge(registry: Registry, dependency: string): Promise<number | undefined> {
    const metric = await registry.getSingleMetric('eventmon_consumer_waiting')!.get();
    return metric.values.find((v) => v.labels.dependency === dependency)?.value;
  }

  it('keeps "waiting" at 1 until the last waiting batch of any pipeline recovers', async () => {
    const registry = new Registry();
    const hooks = reportingRetryHooks(new ConsumerMetrics(registry));
    hooks.onWaiting('database', true); // an events batch
    hooks.onWaiting('database', true); // a notifications batch
    expect(await waitingGauge(registry, 'database')).toBe(1);
    hooks.onWaiting('database', false);
    expect(await waitingGauge(registry, 'database')).toBe(1);
    hooks.onWaiting('kafka', true);
    hooks.onWaiting('database', false);
    expect(await waitingGauge(registry, 'database')).toBe(0);
    expect(await waitingGauge(registry, 'kafka')).toBe(1);
  });

  it('counts every retry by dependency', async () => {
    const registry = new Registry();
    const hooks = reportingRetryHooks(new ConsumerMetrics(registry));
    hooks.onRetry('database', 1, 200, new Error('down'));
    hooks.onRetry('database', 2, 400, new Error('down'));
    const metric = await registry.getSingleMetric('eventmon_consumer_retries_total')!.get();
    expect(metric.values).toEqual([{ labels: { dependency: 'database' }, value: 2 }]);
  });
});

describe('reportingRetryHooks.isPermanent', () => {
  it('gives up at once only on data the database refuses, never on Kafka or on outages', () => {
    const hooks = reportingRetryHooks(new ConsumerMetrics(new Registry()));
    const refused = Object.assign(new Error('value too long'), { code: '22001' });
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(hooks.isPermanent?.('database', refused)).toBe(true);
    expect(hooks.isPermanent?.('database', down)).toBe(false);
    expect(hooks.isPermanent?.('kafka', refused)).toBe(false);
  });

  it('gives up at once on a Kafka commit refused because the group membership is lost', () => {
    const hooks = reportingRetryHooks(new ConsumerMetrics(new Registry()));
    // What kafkajs' consumer.commitOffsets rejects with after its member expired.
    const lost = new KafkaJSProtocolError(
      Object.assign(new Error('The coordinator is not aware of this member'), {
        type: 'UNKNOWN_MEMBER_ID',
        code: 25,
        retriable: false,
      }),
    );
    const wrapped = Object.assign(new KafkaJSNonRetriableError(lost), { cause: lost });
    const rebalancing = new KafkaJSProtocolError(
      Object.assign(new Error('The group is rebalancing'), {
        type: 'REBALANCE_IN_PROGRESS',
        code: 27,
        retriable: false,
      }),
    );
    const outage = new KafkaJSNumberOfRetriesExceeded(new Error('connect ECONNREFUSED'), {
      retryCount: 8,
      retryTime: 8000,
    });
    expect(hooks.isPermanent?.('kafka', wrapped)).toBe(true);
    expect(hooks.isPermanent?.('kafka', rebalancing)).toBe(true);
    expect(hooks.isPermanent?.('kafka', outage)).toBe(false);
  });
});
