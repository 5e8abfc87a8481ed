import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  AlertRule,
  encodeForwardedMatch,
  evaluationFingerprint,
  ForwardedMatch,
  forwardedMatchPartition,
} from '@app/contracts';
import { makeRule, T0 } from '@app/engine/testing/fixtures';
import { fakeMessage } from '@app/kafka/testing/fake-kafka';
import { AlertingConfig } from '../alerting.config';
import { RecordingLogger } from '../delivery/testing/recording-logger';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { RepartitionRoute } from './repartition-route';
import { RepartitionTopic } from './repartition-topic';

const PARTITIONS = 6;
const byClient = makeRule({ id: 'by-client', groupBy: 'payload.client' });
const whole = makeRule({ id: 'whole', groupBy: 'none' });
const wholePartition = forwardedMatchPartition('whole', '*', PARTITIONS);

async function setup(rules: AlertRule[] = [byClient, whole]) {
  const registry = new Registry();
  const metrics = new AlertingMetrics(registry);
  const logger = new RecordingLogger();
  const catalog = new Map(rules.map((rule) => [rule.id, rule]));
  const config = Object.assign(new AlertingConfig(), { groupId: 'alerting' });
  // A broker whose alerting-repartition topic has PARTITIONS partitions.
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchTopicMetadata: () =>
      Promise.resolve({ topics: [{ partitions: Array.from({ length: PARTITIONS }, () => ({})) }] }),
  };
  const topic = new RepartitionTopic({ admin: () => admin } as unknown as Kafka, config);
  await topic.load();
  const route = new RepartitionRoute(
    config,
    { get: (id: string) => catalog.get(id) ?? null },
    topic,
    metrics,
    logger,
  );
  route.reset([0, 1, 2, 3, 4, 5]);
  const dropped = async () =>
    (await registry.getSingleMetric('eventmon_alerting_forwarded_dropped_total')!.get()).values.map(
      (v) => [v.labels.reason, v.value],
    );
  return { route, logger, dropped, catalog };
}

const match = (rule: AlertRule, originOffset: number, groupKey = 'client-1'): ForwardedMatch => ({
  ruleId: rule.id,
  fingerprint: evaluationFingerprint(rule),
  groupKey,
  event: {
    id: `event-${originOffset}`,
    type: 'payment.exception',
    source: 'api',
    severity: 'high',
    occurredAt: T0,
    value: 2,
  },
  origin: { partition: 3, offset: String(originOffset) },
});
const record = (offset: number, value: ForwardedMatch | string) =>
  fakeMessage(String(offset), typeof value === 'string' ? value : encodeForwardedMatch(value));

describe('RepartitionRoute', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('gives the engine the event of a forwarded match, with its key, for its rule alone', async () => {
    const { route } = await setup();
    expect(route.decode(record(0, match(byClient, 10)), 1, false)).toEqual({
      ruleId: 'by-client',
      event: {
        id: 'event-10',
        type: 'payment.exception',
        source: 'api',
        severity: 'high',
        occurredAt: T0,
        value: 2,
        payload: null,
        groupKey: 'client-1',
      },
    });
  });

  it('skips and counts a record that is not a match, naming what is wrong, without throwing', async () => {
    const { route, logger, dropped } = await setup();
    expect(route.decode(record(7, '{"v":1,"rule":'), 2, false)).toBeUndefined();
    expect(route.decode(fakeMessage('8', null), 2, false)).toBeUndefined();
    expect(route.decode(record(9, match(byClient, 10)), 2, false)).toBeDefined();
    expect(await dropped()).toEqual([['invalid', 2]]);
    expect(logger.entries.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^forwarded match at offset 7 \(partition 2\) is skipped: forwarded match is not valid JSON/,
      ),
      'forwarded match at offset 8 (partition 2) is skipped: forwarded match is empty (null value)',
    ]);
  });

  it('counts a match once: one forwarded again (a replica read its events again) is a duplicate', async () => {
    const { route, dropped } = await setup();
    const decoded = (offset: number, partition = 1) =>
      route.decode(record(offset, match(byClient, offset)), partition, false) !== undefined;
    expect([10, 11, 12].map((o) => decoded(o))).toEqual([true, true, true]);
    // Forwarded again from 11 after a restart, then on.
    expect([11, 12, 13].map((o) => decoded(o))).toEqual([false, false, true]);
    // Another repartition partition has its own order.
    expect(decoded(5, 4)).toBe(true);
    expect(await dropped()).toEqual([['duplicate', 2]]);
    // The rule starts over here: its matches are read again from the look-back, and count.
    route.ruleRestarted('by-client');
    expect(decoded(11)).toBe(true);
  });

  it('holds no whole-rule window before its first assignment, when the file rules arrive', () => {
    const unloaded = new RepartitionTopic({} as Kafka, new AlertingConfig());
    expect(unloaded.holds(whole, [])).toBe(false);
    expect(unloaded.holds(byClient, [])).toBe(true);
  });

  it('drops a match made under another version of the rule, or of a rule it does not hold', async () => {
    const { route, dropped, catalog } = await setup();
    catalog.set('by-client', { ...byClient, condition: { ...byClient.condition, threshold: 9 } });
    expect(route.decode(record(0, match(byClient, 10)), 1, false)).toBeUndefined();
    // A rename keeps the windows and the fingerprint.
    catalog.set('by-client', { ...byClient, name: 'renamed' });
    expect(route.decode(record(1, match(byClient, 11)), 1, false)).toBeDefined();
    // The whole-rule window is held by the owner of its partition only.
    route.reset([0, 1, 2, 3, 4, 5].filter((p) => p !== wholePartition));
    expect(route.decode(record(2, match(whole, 12, '*')), wholePartition, false)).toBeUndefined();
    catalog.delete('by-client');
    expect(route.decode(record(3, match(byClient, 13)), 1, false)).toBeUndefined();
    expect(await dropped()).toEqual([
      ['rule-changed', 1],
      ['not-held', 2],
    ]);
  });
});
