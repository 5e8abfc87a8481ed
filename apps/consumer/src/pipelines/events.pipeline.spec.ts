import { Registry } from 'prom-client';
import { DEFAULT_EVENT_LIMITS, DeadLetterSource, keyedEventIds } from '@app/contracts';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import { EventBatchRepository } from '../repositories/event-batch.repository';
import { EventsPipeline } from './events.pipeline';

const message = (value: unknown, offset = '12'): DeadLetterSource => ({
  topic: 'events',
  partition: 4,
  offset,
  timestamp: String(Date.UTC(2026, 11, 5)),
  key: Buffer.from('client-7'),
  value: Buffer.from(JSON.stringify(value)),
});

describe('EventsPipeline.decode', () => {
  let registry: Registry;
  let pipeline: EventsPipeline;

  beforeEach(() => {
    registry = new Registry();
    pipeline = new EventsPipeline(
      {} as EventBatchRepository,
      DEFAULT_EVENT_LIMITS,
      keyedEventIds('events-pipeline-spec-secret'),
      new ConsumerMetrics(registry),
    );
  });

  it('makes the flat row the statement stores: texts as sent, where it was read from', () => {
    const decoded = pipeline.decode(
      message({
        id: '6F1C2F4E-8A0B-4A51-9A5E-0C1F2E3D4B5A',
        type: 'payment.exception',
        source: 'client-y',
        severity: 'critical',
        occurredAt: '2026-11-23T10:15:00.250+01:00',
        value: 12.5,
        payload: { orderId: 'A-1', nested: { ok: true } },
      }),
    );
    expect(decoded).toEqual({
      ok: true,
      row: {
        id: '6f1c2f4e-8a0b-4a51-9a5e-0c1f2e3d4b5a',
        type: 'payment.exception',
        source: 'client-y',
        severity: 'critical',
        occurredAt: '2026-11-23T09:15:00.250Z',
        value: 12.5,
        payloadJson: '{"orderId":"A-1","nested":{"ok":true}}',
        partition: 4,
        offset: '12',
      },
    });
  });

  it('marks only legacy rows, and counts them once their batch is committed', async () => {
    const legacy = pipeline.decode(message({ event_type: 'login.failure', event_payload: 'x' }));
    const v1 = pipeline.decode(message({ type: 'login.failure' }, '13'));
    if (!legacy.ok || !v1.ok) throw new Error('both should decode');
    expect(legacy.row).toMatchObject({ legacy: true, payloadJson: '"x"', source: 'client-7' });
    expect('legacy' in v1.row).toBe(false);

    const accepted = [legacy.row, v1.row].map((row) => ({ row, original: {} as DeadLetterSource }));
    pipeline.recordBatch({
      messages: 2,
      accepted,
      changed: 2,
      rejected: 0,
      undecodable: 0,
      poisoned: 0,
      conflicts: 0,
      seconds: 0.01,
    });
    const counted = await registry.getSingleMetric('eventmon_events_legacy_total')!.get();
    expect(counted.values[0].value).toBe(1);
  });
});
