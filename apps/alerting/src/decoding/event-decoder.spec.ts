import { Registry } from 'prom-client';
import { keyedEventIds } from '@app/contracts';
import { fakeMessage } from '@app/kafka/testing/fake-kafka';
import { RecordingLogger } from '../delivery/testing/recording-logger';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { EventDecoder } from './event-decoder';

const SECRET = 'a-test-event-id-secret';

describe('EventDecoder', () => {
  const setup = () => {
    const registry = new Registry();
    const logger = new RecordingLogger();
    const decoder = new EventDecoder(
      'events',
      keyedEventIds(SECRET),
      new AlertingMetrics(registry),
      logger,
    );
    const skipped = async () =>
      (await registry.getSingleMetric('eventmon_alerting_events_skipped_total')!.get()).values.map(
        (v) => [v.labels.reason, v.value],
      );
    return { decoder, logger, skipped };
  };

  it('turns an event message into the engine event, naming an id-less event as the consumer does', () => {
    const { decoder } = setup();
    const value = JSON.stringify({
      type: 'payment.exception',
      source: 'api',
      severity: 'high',
      occurredAt: '2026-11-23T10:00:00.000Z',
      value: 3,
    });
    expect(decoder.decode(fakeMessage('42', value), 2)).toEqual(
      expect.objectContaining({
        id: keyedEventIds(SECRET)('events', 2, '42'),
        type: 'payment.exception',
        source: 'api',
        severity: 'high',
        occurredAt: Date.UTC(2026, 10, 23, 10),
        value: 3,
      }),
    );
  });

  it('skips and counts an invalid event', async () => {
    const { decoder, skipped } = setup();
    expect(decoder.decode(fakeMessage('1', '{"type":1}'), 0)).toBeUndefined();
    expect(await skipped()).toEqual([['invalid', 1]]);
  });
});
