import { checkEvent } from './event-intake';

const NOW = new Date('2026-11-23T10:00:00.000Z');

describe('checkEvent', () => {
  it('completes a minimal event with an id, the request time, the default severity and source', () => {
    const result = checkEvent({ type: 'payment.exception' }, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.event.occurredAt).toEqual(NOW);
    expect(result.event).toMatchObject({
      type: 'payment.exception',
      severity: 'low',
      source: 'unknown',
    });
  });

  it('keeps the id and time the producer gave', () => {
    const id = '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f';
    const result = checkEvent({ id, type: 'a', occurredAt: '2026-01-01T00:00:00Z' }, NOW);
    expect(result.ok && result.event.id).toBe(id);
    expect(result.ok && result.event.occurredAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('normalises the legacy shape and gives it an id of its own', () => {
    const a = checkEvent({ event_type: 'login.failed', event_payload: 'x' }, NOW);
    const b = checkEvent({ event_type: 'login.failed', event_payload: 'x' }, NOW);
    expect(a.ok && b.ok && a.event.id !== b.event.id).toBe(true);
    expect(a.ok && a.event.type).toBe('login.failed');
  });

  it('gives an event sent with "id": null a random id of its own, never one shared by all', () => {
    // Once derived from the placeholder coordinates events/0/0: every such event had the same
    // id, and the consumer stored only the first of them.
    const ids = new Set(
      [1, 2, 3].map((i) => {
        const result = checkEvent({ id: null, type: 'a', payload: { i } }, NOW);
        return result.ok ? result.event.id : result.reasons.join('; ');
      }),
    );
    expect(ids.size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  });

  it('gives the version-1 JSON to publish, every field resolved, as JSON.stringify writes it', () => {
    for (const payload of [{ amount: 12, note: 'café' }, 'text payload', undefined]) {
      const result = checkEvent(
        {
          type: 'a',
          source: 's',
          severity: 'high',
          value: 3,
          occurredAt: '2026-01-01T00:00:00Z',
          payload,
        },
        NOW,
      );
      if (!result.ok) throw new Error(result.reasons.join('; '));
      expect(result.json).toBe(
        JSON.stringify({
          version: 1,
          id: result.event.id,
          type: 'a',
          source: 's',
          severity: 'high',
          occurredAt: '2026-01-01T00:00:00.000Z',
          value: 3,
          payload: payload ?? null,
        }),
      );
    }
  });

  it('lists every reason an event is refused', () => {
    const result = checkEvent({ type: 5, severity: 'urgent', colour: 'red' }, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reasons.join('; ')).toMatch(/unknown field "colour"/);
    expect(result.reasons.length).toBeGreaterThanOrEqual(3);
    expect(checkEvent([1], NOW)).toEqual({
      ok: false,
      reasons: ['an event must be a JSON object'],
    });
  });
});
