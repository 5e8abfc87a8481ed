import { randomUUID } from 'node:crypto';
import { AlertEngine } from './alert-engine';
import { EngineEvent, Transition } from './engine-types';
import { HOUR, makeEvent, makeRule, OPTIONS, T0 } from './testing/fixtures';

/** offer() runs for every event: its common result is shared rather than allocated. */
describe('AlertEngine, what offer() returns', () => {
  const quiet = makeRule({ condition: { operator: '>', threshold: 100 } });

  it('returns one shared, frozen result while a single rule matches and nothing changes', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(quiet, T0 - HOUR);
    const first = engine.offer(makeEvent({ occurredAt: T0 }), T0);
    const second = engine.offer(makeEvent({ occurredAt: T0 + 1, source: 'web' }), T0 + 1);
    expect(second).toBe(first);
    expect(first).toEqual({
      transitions: [],
      outcomes: [{ ruleId: 'rule-1', outcome: 'applied' }],
    });
    for (const shared of [first, first.transitions, first.outcomes]) {
      expect(Object.isFrozen(shared)).toBe(true);
    }
    const late = engine.offer(makeEvent({ occurredAt: T0 - 2 * HOUR }), T0 + 2);
    expect(late.outcomes).toEqual([{ ruleId: 'rule-1', outcome: 'late' }]);
    expect(engine.offer(makeEvent({ type: 'other.type' }), T0 + 3)).toEqual({
      transitions: [],
      outcomes: [],
    });
  });

  it('lists every matching rule in rule order, and the transitions an event caused', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule({ ...quiet, id: 'quiet' }, T0 - HOUR);
    engine.setRule(
      makeRule({ id: 'fires', condition: { operator: '>=', threshold: 1 } }),
      T0 - HOUR,
    );
    const event = makeEvent({ occurredAt: T0 });
    const result = engine.offer(event, T0);
    expect(result.outcomes).toEqual([
      { ruleId: 'quiet', outcome: 'applied' },
      { ruleId: 'fires', outcome: 'applied' },
    ]);
    expect(result.transitions).toHaveLength(1);
    expect(result.transitions[0]).toMatchObject({
      ruleId: 'fires',
      groupKey: 'api',
      firing: true,
      eventIds: [event.id],
      cause: { kind: 'event', eventId: event.id },
    });
    const future = engine.offer(makeEvent({ occurredAt: T0 + HOUR }), T0);
    expect(future.outcomes.map(({ outcome }) => outcome)).toEqual(['future', 'future']);
  });

  it("gives every rule that counts an event that event's own id (UUIDs, packed once)", () => {
    const engine = new AlertEngine(OPTIONS);
    const atLeast = (threshold: number) =>
      makeRule({ id: `at-least-${threshold}`, condition: { operator: '>=', threshold } });
    engine.setRule(atLeast(2), T0 - HOUR);
    engine.setRule(atLeast(3), T0 - HOUR);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const fired: Transition[] = [];
    ids.forEach((id, i) => {
      // Another source's event between two of api's: a different id comes in between.
      const other = makeEvent({ id: randomUUID(), source: 'web', occurredAt: T0 + i });
      fired.push(...engine.offer(other, T0 + i).transitions);
      const event = makeEvent({ id, source: 'api', occurredAt: T0 + i });
      fired.push(...engine.offer(event, T0 + i).transitions);
    });
    const api = fired.filter((transition) => transition.groupKey === 'api');
    expect(api.map(({ ruleId, eventIds }) => ({ ruleId, eventIds }))).toEqual([
      { ruleId: 'at-least-2', eventIds: [ids[1], ids[0]] },
      { ruleId: 'at-least-3', eventIds: [ids[2], ids[1], ids[0]] },
    ]);
  });

  it('refuses a time that is not a number with the same clear error', () => {
    const engine = new AlertEngine(OPTIONS);
    engine.setRule(quiet, T0);
    const stamped = {
      ...makeEvent(),
      occurredAt: '2026-12-06T00:00:00Z',
    } as unknown as EngineEvent;
    expect(() => engine.offer(stamped, T0)).toThrow(
      'event.occurredAt must be a finite number of epoch milliseconds, got 2026-12-06T00:00:00Z',
    );
  });
});
