import { Registry } from 'prom-client';
import { DeadLetterHeader, DeadLetterSource, Topic } from '@app/contracts';
import { DependencyRetrier } from '@app/resilience';
import { untilStopped } from '@app/kafka';
import { lifecycleMessage } from '../delivery/testing/lifecycle-fixture';
import { RecordingLogger } from '../delivery/testing/recording-logger';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationDelivery } from './notification-delivery';
import { RecordingPublisher, ScriptedExecutor } from './testing/scripted-delivery';

const source: DeadLetterSource = {
  topic: 'notifications',
  partition: 1,
  offset: '17',
  timestamp: '0',
  key: null,
  value: Buffer.from('the lifecycle message'),
};

function setup() {
  const registry = new Registry();
  const executor = new ScriptedExecutor();
  const publisher = new RecordingPublisher();
  const logger = new RecordingLogger();
  let stopping = false;
  const delivery = new NotificationDelivery({
    executor: executor,
    publisher,
    metrics: new AlertingMetrics(registry),
    // Backoff sleeps cost no time.
    retrier: new DependencyRetrier(
      1000,
      { onRetry: () => undefined, onWaiting: () => undefined },
      () => Promise.resolve(),
    ),
    untilStopped: untilStopped(() => stopping),
    service: 'alerting/dispatch-group',
    logger,
  });
  const counter = async (name: string) =>
    (await registry.getSingleMetric(name)!.get()).values.map((v) => [v.labels.channel, v.value]);
  return { delivery, executor, publisher, logger, counter, stop: () => (stopping = true) };
}

describe('NotificationDelivery', () => {
  it('delivers to every channel of the incident and records each attempt, keyed by incident', async () => {
    const { delivery, executor, publisher, counter } = setup();
    const message = lifecycleMessage();
    await delivery.deliver(source, message);
    expect(executor.requests.map((r) => [r.channel.type, r.channelIndex])).toEqual([
      ['console', 0],
      ['slack', 1],
      ['email', 2],
    ]);
    expect(publisher.attempts().map((a) => [a.channelType, a.outcome])).toEqual([
      ['console', 'delivered'],
      ['slack', 'delivered'],
      ['email', 'delivered'],
    ]);
    expect(publisher.sent.every((s) => String(s.messages[0].key) === message.incident.id)).toBe(
      true,
    );
    expect(await counter('eventmon_alerting_notifications_sent_total')).toHaveLength(3);
  });

  it('dead-letters a channel out of attempts with the lifecycle message and which channel it was', async () => {
    const { delivery, executor, publisher, logger, counter } = setup();
    executor.outcomes.set('slack', { outcome: 'failed', attempts: 3, error: 'HTTP 500' });
    await delivery.deliver(source, lifecycleMessage());
    const [dlq] = publisher.sent.filter((s) => s.topic === Topic.NotificationsDlq);
    expect(dlq.messages).toHaveLength(1);
    const { value, headers } = dlq.messages[0];
    expect(String(value)).toBe('the lifecycle message');
    expect(headers).toEqual(
      expect.objectContaining({
        [DeadLetterHeader.Stage]: 'delivery',
        [DeadLetterHeader.Reason]: 'slack channel 1: HTTP 500',
        [DeadLetterHeader.ChannelType]: 'slack',
        [DeadLetterHeader.ChannelIndex]: '1',
        [DeadLetterHeader.Attempts]: '3',
        [DeadLetterHeader.Service]: 'alerting/dispatch-group',
      }),
    );
    expect(await counter('eventmon_alerting_notifications_failed_total')).toEqual([['slack', 1]]);
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
  });

  it('waits out Kafka while recording outcomes, and gives up only once the service stops', async () => {
    const { delivery, publisher, stop } = setup();
    publisher.unavailableFor = 4;
    await delivery.deliver(source, lifecycleMessage());
    expect(publisher.attempts()).toHaveLength(3);

    stop();
    publisher.unavailableFor = Infinity;
    await expect(delivery.deliver(source, lifecycleMessage())).rejects.toThrow(
      /^incident .*: could not record the console delivery outcome: batch abandoned while waiting for kafka/,
    );
  });
});
