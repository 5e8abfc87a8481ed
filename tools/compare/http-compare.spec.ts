import { normalized } from './http-compare';

describe('normalized', () => {
  const event = { id: 'e1', type: 't', receivedAt: '2026-12-05T16:00:00.123Z', value: 1 };

  it('leaves out only receivedAt of events, alone or listed', () => {
    expect(normalized('event', event)).toEqual({ id: 'e1', type: 't', value: 1 });
    expect(normalized('listing', { items: [event], nextCursor: 'c' })).toEqual({
      items: [{ id: 'e1', type: 't', value: 1 }],
      nextCursor: 'c',
    });
  });

  it('compares dead letters as a set, without their DLQ offset and failure time', () => {
    const a = { id: '0-1', failedAt: 'x', reasons: ['a'], originalOffset: '5' };
    const b = { id: '0-2', failedAt: 'y', reasons: ['b'], originalOffset: '6' };
    expect(normalized('dead letters', [a, b])).toEqual(normalized('dead letters', [b, a]));
    expect(normalized('dead letters', [a])).toEqual([{ reasons: ['a'], originalOffset: '5' }]);
  });

  it('leaves analytics answers alone', () => {
    const answer = { from: 'a', to: 'b', points: [{ at: 'a', count: 1 }] };
    expect(normalized('analytics', answer)).toBe(answer);
  });
});
