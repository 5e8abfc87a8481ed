import { bucketCount, fillBuckets, minuteIsoFormatter } from './time-buckets';

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

  it('formats whole minutes exactly as toISOString does, across days and years', () => {
    const iso = minuteIsoFormatter();
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let time = Date.parse('2025-12-31T23:00:00Z');
    for (let i = 0; i < 5000; i++) {
      expect(iso(time)).toBe(new Date(time).toISOString());
      // Mostly the next minute, as a series asks; now and then a jump of up to 40 days.
      time += (random() < 0.95 ? 1 : Math.floor(random() * 40 * 1440)) * 60_000;
    }
  });
});
