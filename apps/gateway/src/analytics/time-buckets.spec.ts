import { bucketCount, fillBuckets } from './time-buckets';

describe('time buckets', () => {
  const from = new Date('2026-11-23T10:00:30Z');
  const to = new Date('2026-11-23T10:03:00Z');

  it('aligns buckets to the interval in UTC and fills the gaps with zero', () => {
    const counts = new Map([[Date.parse('2026-11-23T10:01:00Z'), 7]]);
    expect(fillBuckets(from, to, 'minute', counts)).toEqual([
      { at: '2026-11-23T10:00:00.000Z', count: 0 },
      { at: '2026-11-23T10:01:00.000Z', count: 7 },
      { at: '2026-11-23T10:02:00.000Z', count: 0 },
    ]);
    expect(bucketCount(from, to, 'minute')).toBe(3);
  });

  it('counts day and hour buckets the same way', () => {
    expect(
      bucketCount(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-08T00:00:00Z'), 'day'),
    ).toBe(7);
    expect(fillBuckets(from, to, 'hour', new Map())).toEqual([
      { at: '2026-11-23T10:00:00.000Z', count: 0 },
    ]);
  });
});
