import { asMessage, backgroundEvent, decodedEvent } from './alerting-workload';

describe('alerting workload', () => {
  const at = Date.UTC(2026, 11, 7, 17, 0, 0, 123);

  it('decodes an event to the fields it was built with, with an id of its own', () => {
    const direct = backgroundEvent(12_345, at, 1_000);
    const decoded = decodedEvent(12_345, at, 1_000);
    expect({ ...decoded, id: undefined }).toEqual({ ...direct, id: undefined });
    expect(decoded.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(decoded.id).not.toBe(decodedEvent(12_345, at, 1_000).id);
  });

  it('keys a message by its source and writes its time in ISO form', () => {
    const message = asMessage(backgroundEvent(7, at, 1_000));
    expect(message.key).toBe('src-7');
    expect(JSON.parse(message.value)).toMatchObject({
      type: 'bench.t7',
      source: 'src-7',
      occurredAt: '2026-12-07T17:00:00.123Z',
    });
  });
});
