import { Kafka, Producer } from 'kafkajs';
import { LifecycleMessage, LifecycleTimingHeader, Topic, topicName } from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { liveEvent, ruleRecord, startAlerting } from '../support/alerting';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, produce, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { TopicRecorder } from '../support/topic-recorder';

/**
 * Where an incident's time went, as alerting reports it against the real broker: the timing
 * headers on the incident an event decided, and the lag gauge and stage histograms.
 */
describe('alerting: decision timing', () => {
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  let notifications: TopicRecorder;
  let app: AppHarness | undefined;

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(kafka, [Topic.Events, Topic.AlertRules, Topic.Notifications], { prefix });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    notifications = await TopicRecorder.start(kafka, topicName(Topic.Notifications, prefix));
  });

  afterEach(async () => {
    await app?.stop();
    await notifications.stop();
    await producer.disconnect();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  it('stamps the incident with when its event was fetched and evaluated, and reports the lag', async () => {
    await produce(producer, topicName(Topic.AlertRules, prefix), [
      ruleRecord({
        id: 'timed',
        match: { types: ['app.crash'] },
        window: { kind: 'sliding', seconds: 60 },
        condition: { operator: '>=', threshold: 1 },
      }),
    ]);
    // A fixed port of this helper's range (tests elsewhere bind port 0).
    app = startAlerting(prefix, { ALERTING_PORT: process.env.ALERTING_TEST_PORT ?? '0' });
    const baseUrl = await baseUrlOf(app);
    await eventually(() => expect(app!.output()).toMatch(/windows ready/), { timeoutMs: 60000 });

    const sentAt = Date.now();
    await produce(producer, topicName(Topic.Events, prefix), [liveEvent('app.crash', 'web-1')]);
    const incident = await eventually(
      () => {
        const found = notifications.messages.find(
          (m) => (JSON.parse(String(m.value)) as LifecycleMessage).kind === 'incident.opened',
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 10000 },
    );
    const readAt = Date.now();

    const stamp = (name: string) => Number(String(incident.headers[name]));
    const fetchedAt = stamp(LifecycleTimingHeader.FetchedAt);
    const evaluatedAt = stamp(LifecycleTimingHeader.EvaluatedAt);
    const evaluatingAt = Date.parse((JSON.parse(String(incident.value)) as LifecycleMessage).at);
    // In order, and all between the event's send and the incident's arrival.
    expect(fetchedAt).toBeGreaterThanOrEqual(sentAt);
    expect(evaluatingAt).toBeGreaterThanOrEqual(fetchedAt);
    expect(evaluatedAt).toBeGreaterThanOrEqual(evaluatingAt);
    expect(evaluatedAt).toBeLessThanOrEqual(readAt);

    const lag = await scrapeMetric(baseUrl, 'eventmon_alerting_lag_seconds', {
      topic: topicName(Topic.Events, prefix),
    });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual((readAt - sentAt) / 1000 + 1);
    expect(
      await scrapeMetric(baseUrl, 'eventmon_alerting_fetch_to_evaluated_seconds_count'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await scrapeMetric(baseUrl, 'eventmon_alerting_evaluated_to_acknowledged_seconds_count'),
    ).toBe(1);
  });
});
