import { setFlagsFromString } from 'node:v8';
import { runInThisContext } from 'node:vm';
import { NormalizedEvent } from '@app/contracts';
import { OfferedEvent, toEngineEvent } from './engine-event';

// V8's own answer to "do these objects have one hidden class", for the test below only: a
// native call compiles only once the flag is set, so the function is compiled after it.
setFlagsFromString('--allow-natives-syntax');
const haveSameMap = runInThisContext('(a, b) => %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

const normalized = (): NormalizedEvent => ({
  id: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
  type: 'payment.exception',
  source: 'api',
  severity: 'high',
  occurredAt: new Date(Date.UTC(2026, 11, 7, 10)),
  value: 3,
  payload: { client: 'c-1' },
});

describe('toEngineEvent', () => {
  it('gives the engine the event with its time in epoch milliseconds and no group key', () => {
    const event = toEngineEvent(normalized());
    expect(event).toBeInstanceOf(OfferedEvent);
    expect({ ...event }).toEqual({
      id: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
      type: 'payment.exception',
      source: 'api',
      severity: 'high',
      occurredAt: Date.UTC(2026, 11, 7, 10),
      value: 3,
      payload: { client: 'c-1' },
      groupKey: undefined,
    });
  });

  it('makes decoded and forwarded events of one hidden class, not the normalised event literal one', () => {
    const decoded = toEngineEvent(normalized());
    const forwarded = new OfferedEvent('e-2', 'a.b', 'web', 'low', 5, null, null, 'client-7');
    expect(haveSameMap(decoded, forwarded)).toBe(true);
    const literal = { ...normalized(), occurredAt: 5 };
    expect(haveSameMap(decoded, literal)).toBe(false);
  });
});
