import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ConsumerStallMonitor, WatchedConsumer } from '@app/kafka';
import { FakeKafka, fakeMessage } from '@app/kafka/testing/fake-kafka';
import { AlertingConfig } from '../alerting.config';
import { DeliveryExecutor } from '../delivery';
import { lifecycleMessage } from '../delivery/testing/lifecycle-fixture';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { longestDeliveryMs, NotificationDispatcher } from './notification-dispatcher';
import { NotificationPublisher } from './notification.publisher';
import { RecordingPublisher, ScriptedExecutor } from './testing/scripted-delivery';

const TOPIC = 'notifications';

/** A notification with one console channel, at `offset`. */
const notification = (offset: number) =>
  fakeMessage(
    String(offset),
    JSON.stringify(lifecycleMessage({ incident: { channels: [{ type: 'console' }] } })),
  );

function setup(maxInFlight = 10) {
  const kafka = new FakeKafka();
  const config = Object.assign(new AlertingConfig(), {
    kafkaTopicPrefix: '',
    dispatchGroupId: 'dispatch',
    notifyMaxInFlight: maxInFlight,
  });
  const registry = new Registry();
  const executor = new ScriptedExecutor();
  const publisher = new RecordingPublisher();
  const watched: WatchedConsumer[] = [];
  const logs: string[] = [];
  jest.spyOn(Logger.prototype, 'log').mockImplementation((m: string) => void logs.push(m));
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const dispatcher = new NotificationDispatcher(
    kafka.asKafka(),
    config,
    executor as unknown as DeliveryExecutor,
    publisher as unknown as NotificationPublisher,
    new AlertingMetrics(registry),
    {
      stallTimeoutMs: 60_000,
      watch: (w: WatchedConsumer) => void watched.push(w),
    } as unknown as ConsumerStallMonitor,
  );
  const gauge = async () =>
    (await registry.getSingleMetric('eventmon_alerting_notifications_in_flight')!.get()).values[0]
      ?.value;
  return { kafka, config, dispatcher, executor, publisher, watched, logs, gauge };
}

const committed = (kafka: FakeKafka) => kafka.latest.commits.map((c) => c.map((o) => o.offset));

describe('NotificationDispatcher', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('joins its own group at the end of the topic, with a stall timeout that allows for the longest delivery', async () => {
    const { kafka, config, dispatcher, watched } = setup();
    await dispatcher.start();
    expect(kafka.latest.config.groupId).toBe('dispatch');
    expect(kafka.latest.subscription).toEqual({ topics: [TOPIC], fromBeginning: false });
    expect(watched[0]).toEqual(
      expect.objectContaining({
        name: 'Dispatch',
        stallTimeoutMs: 60_000 + longestDeliveryMs(config),
      }),
    );
    await dispatcher.stop();
  });

  it('does not wait for deliveries, and commits only up to the oldest one unfinished', async () => {
    jest.useFakeTimers();
    const { kafka, dispatcher, executor, gauge } = setup();
    executor.hold = true;
    await dispatcher.start();
    kafka.latest.join({ [TOPIC]: [0] });
    const delivered = await kafka.latest.deliver(TOPIC, 0, [notification(10), notification(11)]);
    expect(delivered.resolved).toEqual(['11']);
    expect(executor.requests).toHaveLength(2);
    expect(await gauge()).toBe(2);

    // The later notification finishes first: the commit stays at the one still running.
    executor.releaseLast();
    await jest.advanceTimersByTimeAsync(500);
    expect(committed(kafka)).toEqual([['10']]);
    executor.releaseNext();
    await jest.advanceTimersByTimeAsync(500);
    expect(committed(kafka)).toEqual([['10'], ['12']]);
    expect(await gauge()).toBe(0);
    await dispatcher.stop();
  });

  it('holds the fetch loop past the in-flight limit, heartbeating, until a delivery ends', async () => {
    jest.useFakeTimers();
    const { kafka, dispatcher, executor } = setup(1);
    executor.hold = true;
    await dispatcher.start();
    kafka.latest.join({ [TOPIC]: [0] });
    const batch = kafka.latest.deliver(TOPIC, 0, [notification(0), notification(1)]);
    await jest.advanceTimersByTimeAsync(2500);
    expect(executor.requests).toHaveLength(1);
    expect(batch.delivered.heartbeats).toBe(2);

    executor.releaseNext();
    await jest.advanceTimersByTimeAsync(0);
    expect(executor.requests).toHaveLength(2);
    await batch;
    executor.releaseNext();
    await dispatcher.stop();
  });

  it('skips a notification it cannot decode, and commits past it', async () => {
    const { kafka, dispatcher, executor } = setup();
    await dispatcher.start();
    kafka.latest.join({ [TOPIC]: [0] });
    const consumer = kafka.latest;
    await consumer.deliver(TOPIC, 0, [fakeMessage('4', '{"kind":"nonsense"}'), notification(5)]);
    await dispatcher.stop();
    expect(executor.requests).toHaveLength(1);
    expect(consumer.commits.map((c) => c.map((o) => o.offset))).toEqual([['6']]);
  });

  it('on stop, lets the deliveries in progress finish, commits them, then closes the channels', async () => {
    const { kafka, dispatcher, executor, logs } = setup();
    executor.hold = true;
    await dispatcher.start();
    kafka.latest.join({ [TOPIC]: [0] });
    const consumer = kafka.latest;
    await consumer.deliver(TOPIC, 0, [notification(3)]);
    const stopped = dispatcher.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.closed).toBe(false);
    expect(logs).toContain('waiting for 1 notifications being delivered');

    executor.releaseNext();
    await stopped;
    expect(consumer.commits.map((c) => c.map((o) => o.offset))).toEqual([['4']]);
    expect(consumer.disconnected).toBe(true);
    expect(executor.closed).toBe(true);
  });
});
