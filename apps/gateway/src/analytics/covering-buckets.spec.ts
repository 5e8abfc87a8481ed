import { BucketSpan, coveringBuckets, minuteAligned } from './covering-buckets';
import { INTERVAL_SECONDS } from './time-buckets';

const at = (iso: string) => Date.parse(iso);
const span = (resolution: BucketSpan['resolution'], from: string, to: string): BucketSpan => ({
  resolution,
  from: at(from),
  to: at(to),
});

describe('coveringBuckets', () => {
  it('uses days in the middle, hours beside them and minutes at the ends', () => {
    expect(coveringBuckets(at('2026-11-20T22:17:00Z'), at('2026-11-23T01:05:00Z'))).toEqual([
      span('minute', '2026-11-20T22:17:00Z', '2026-11-20T23:00:00Z'),
      span('hour', '2026-11-20T23:00:00Z', '2026-11-21T00:00:00Z'),
      span('day', '2026-11-21T00:00:00Z', '2026-11-23T00:00:00Z'),
      span('hour', '2026-11-23T00:00:00Z', '2026-11-23T01:00:00Z'),
      span('minute', '2026-11-23T01:00:00Z', '2026-11-23T01:05:00Z'),
    ]);
  });

  it('falls back to finer buckets when no coarse one fits, and honours the coarsest allowed', () => {
    expect(coveringBuckets(at('2026-11-20T10:10:00Z'), at('2026-11-20T10:50:00Z'))).toEqual([
      span('minute', '2026-11-20T10:10:00Z', '2026-11-20T10:50:00Z'),
    ]);
    expect(coveringBuckets(at('2026-11-20T00:00:00Z'), at('2026-11-22T00:00:00Z'), 'hour')).toEqual(
      [span('hour', '2026-11-20T00:00:00Z', '2026-11-22T00:00:00Z')],
    );
    expect(coveringBuckets(at('2026-11-20T00:00:00Z'), at('2026-11-20T00:00:00Z'))).toEqual([]);
    expect(() => coveringBuckets(at('2026-11-20T00:00:30Z'), at('2026-11-20T01:00:00Z'))).toThrow(
      RangeError,
    );
  });

  it('covers every minute of random ranges exactly once, never splitting a bucket', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const minute = 60_000;
    for (let trial = 0; trial < 500; trial++) {
      const from = at('2026-01-01T00:00:00Z') + Math.floor(random() * 60 * 1440) * minute;
      const to = from + Math.floor(random() * 20 * 1440) * minute;
      const spans = coveringBuckets(from, to);
      let cursor = from;
      for (const { resolution, from: start, to: end } of spans) {
        const step = INTERVAL_SECONDS[resolution] * 1000;
        expect(start).toBe(cursor);
        expect(start % step).toBe(0);
        expect(end % step).toBe(0);
        expect(end).toBeGreaterThan(start);
        cursor = end;
      }
      expect(cursor).toBe(to);
      // Never more than 59 minutes or 23 hours at either end.
      const minutes = spans.filter((s) => s.resolution === 'minute');
      expect(minutes.reduce((n, s) => n + (s.to - s.from) / minute, 0)).toBeLessThanOrEqual(118);
    }
  });
});

describe('minuteAligned', () => {
  it('keeps the minutes that start inside the range, the current one included', () => {
    expect(
      minuteAligned(new Date('2026-11-20T10:00:30Z'), new Date('2026-11-20T10:05:10Z')),
    ).toEqual({
      from: at('2026-11-20T10:01:00Z'),
      to: at('2026-11-20T10:06:00Z'),
    });
    expect(
      minuteAligned(new Date('2026-11-20T10:00:00Z'), new Date('2026-11-20T10:05:00Z')),
    ).toEqual({
      from: at('2026-11-20T10:00:00Z'),
      to: at('2026-11-20T10:05:00Z'),
    });
  });
});
