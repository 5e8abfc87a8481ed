import { BucketSpan, countableRange, coveringBuckets, minuteAligned } from './covering-buckets';
import { INTERVAL_SECONDS, Interval } from './time-buckets';

const at = (iso: string) => Date.parse(iso);
const MINUTE = 60_000;
const span = (resolution: Interval, from: string, to: string, sign: 1 | -1 = 1): BucketSpan => ({
  resolution,
  from: at(from),
  to: at(to),
  sign,
});

/** How many times each minute of [start, end) is counted by the spans (added minus taken out). */
function netMinutes(spans: BucketSpan[], start: number, end: number): Int32Array {
  const counted = new Int32Array((end - start) / MINUTE + 1);
  for (const s of spans) {
    counted[(s.from - start) / MINUTE] += s.sign;
    counted[(s.to - start) / MINUTE] -= s.sign;
  }
  for (let i = 1; i < counted.length; i++) counted[i] += counted[i - 1];
  return counted;
}

const bucketsOf = (spans: BucketSpan[], resolution: Interval) =>
  spans
    .filter((s) => s.resolution === resolution)
    .reduce((n, s) => n + (s.to - s.from) / (INTERVAL_SECONDS[resolution] * 1000), 0);

describe('coveringBuckets', () => {
  it('uses days in the middle, hours beside them and minutes at the ends', () => {
    expect(coveringBuckets(at('2026-11-20T22:17:00Z'), at('2026-11-23T01:05:00Z'))).toEqual([
      span('hour', '2026-11-20T22:00:00Z', '2026-11-20T23:00:00Z'),
      span('minute', '2026-11-20T22:00:00Z', '2026-11-20T22:17:00Z', -1),
      span('hour', '2026-11-20T23:00:00Z', '2026-11-21T00:00:00Z'),
      span('day', '2026-11-21T00:00:00Z', '2026-11-23T00:00:00Z'),
      span('hour', '2026-11-23T00:00:00Z', '2026-11-23T01:00:00Z'),
      span('minute', '2026-11-23T01:00:00Z', '2026-11-23T01:05:00Z'),
    ]);
  });

  it('reads "the last 24 hours" as yesterday evening plus today, less what has not happened yet', () => {
    const now = at('2026-11-23T14:42:30Z');
    expect(
      coveringBuckets(at('2026-11-22T14:43:00Z'), at('2026-11-23T14:43:00Z'), 'day', now),
    ).toEqual([
      span('minute', '2026-11-22T14:43:00Z', '2026-11-22T15:00:00Z'),
      span('hour', '2026-11-22T15:00:00Z', '2026-11-23T00:00:00Z'),
      span('day', '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z'),
      span('minute', '2026-11-23T14:43:00Z', '2026-11-23T15:00:00Z', -1),
      span('hour', '2026-11-23T15:00:00Z', '2026-11-24T00:00:00Z', -1),
    ]);
  });

  it('falls back to finer buckets when no coarse one fits, and honours the coarsest allowed', () => {
    expect(coveringBuckets(at('2026-11-20T10:10:00Z'), at('2026-11-20T10:40:00Z'))).toEqual([
      span('minute', '2026-11-20T10:10:00Z', '2026-11-20T10:40:00Z'),
    ]);
    expect(coveringBuckets(at('2026-11-20T10:02:00Z'), at('2026-11-20T10:58:00Z'))).toEqual([
      span('hour', '2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z'),
      span('minute', '2026-11-20T10:00:00Z', '2026-11-20T10:02:00Z', -1),
      span('minute', '2026-11-20T10:58:00Z', '2026-11-20T11:00:00Z', -1),
    ]);
    expect(coveringBuckets(at('2026-11-20T00:00:00Z'), at('2026-11-22T00:00:00Z'), 'hour')).toEqual(
      [span('hour', '2026-11-20T00:00:00Z', '2026-11-22T00:00:00Z')],
    );
    expect(
      coveringBuckets(at('2026-11-20T10:02:00Z'), at('2026-11-20T10:58:00Z'), 'minute'),
    ).toEqual([span('minute', '2026-11-20T10:02:00Z', '2026-11-20T10:58:00Z')]);
    expect(coveringBuckets(at('2026-11-20T00:00:00Z'), at('2026-11-20T00:00:00Z'))).toEqual([]);
    expect(() => coveringBuckets(at('2026-11-20T00:00:30Z'), at('2026-11-20T01:00:00Z'))).toThrow(
      RangeError,
    );
  });

  it('counts every minute of random ranges exactly once and nothing outside them', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const resolutions: Interval[] = ['day', 'hour', 'minute'];
    for (let trial = 0; trial < 500; trial++) {
      const from = at('2026-01-01T00:00:00Z') + Math.floor(random() * 60 * 1440) * MINUTE;
      const to = from + Math.floor(random() * 20 * 1440) * MINUTE;
      // Now inside the range, after it, or unknown (every bucket costs).
      const now = [to - Math.floor(random() * 1440) * MINUTE, to + MINUTE, Infinity][trial % 3];
      const coarsest = resolutions[Math.floor(random() * 3)];
      const spans = coveringBuckets(from, to, coarsest, now);

      const start = from - 2 * 86_400_000;
      const counted = netMinutes(spans, start, to + 2 * 86_400_000);
      counted.forEach((times, i) => {
        const minute = start + i * MINUTE;
        if (times !== (minute >= from && minute < to ? 1 : 0)) {
          throw new Error(`minute ${new Date(minute).toISOString()} counted ${times} times`);
        }
      });
      for (const s of spans) {
        const step = INTERVAL_SECONDS[s.resolution] * 1000;
        expect([s.from % step, s.to % step, s.to > s.from]).toEqual([0, 0, true]);
        expect(resolutions.indexOf(s.resolution)).toBeGreaterThanOrEqual(
          resolutions.indexOf(coarsest),
        );
        // What is taken out lies inside one coarser bucket that is counted: a time series
        // stepping by that coarser resolution sees both in the same step.
        if (s.sign === -1) {
          expect(
            spans.some(
              (c) =>
                c.sign === 1 &&
                INTERVAL_SECONDS[c.resolution] > INTERVAL_SECONDS[s.resolution] &&
                c.from <= s.from &&
                s.to <= c.to &&
                Math.floor(s.from / (INTERVAL_SECONDS[c.resolution] * 1000)) ===
                  Math.floor((s.to - 1) / (INTERVAL_SECONDS[c.resolution] * 1000)),
            ),
          ).toBe(true);
        }
      }
      if (coarsest === 'day' && now === Infinity) {
        // At most about half an hour of minutes and half a day of hours at either end.
        expect(bucketsOf(spans, 'minute')).toBeLessThanOrEqual(62);
        expect(bucketsOf(spans, 'hour')).toBeLessThanOrEqual(26);
      }
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

describe('countableRange', () => {
  const minutesFrom = at('2026-11-05T00:00:00Z');
  const range = (from: string, to: string) => {
    const counted = countableRange(at(from), at(to), minutesFrom);
    return [new Date(counted.from).toISOString(), new Date(counted.to).toISOString()];
  };

  it('leaves ends where the minutes are kept', () => {
    expect(range('2026-11-05T00:00:00Z', '2026-11-06T10:17:00Z')).toEqual([
      '2026-11-05T00:00:00.000Z',
      '2026-11-06T10:17:00.000Z',
    ]);
  });

  it('moves an end before them to the next whole hour: an hour counts when it starts inside the range', () => {
    expect(range('2026-11-03T10:01:00Z', '2026-11-06T10:17:00Z')).toEqual([
      '2026-11-03T11:00:00.000Z',
      '2026-11-06T10:17:00.000Z',
    ]);
    expect(range('2026-11-03T10:59:00Z', '2026-11-04T23:01:00Z')).toEqual([
      '2026-11-03T11:00:00.000Z',
      '2026-11-05T00:00:00.000Z',
    ]);
    expect(range('2026-11-03T10:00:00Z', '2026-11-03T12:00:00Z')).toEqual([
      '2026-11-03T10:00:00.000Z',
      '2026-11-03T12:00:00.000Z',
    ]);
  });

  it('gives every cover of the moved range whole hours only where minutes are gone', () => {
    const counted = countableRange(
      at('2026-11-03T10:31:00Z'),
      at('2026-11-05T00:07:00Z'),
      minutesFrom,
    );
    const spans = coveringBuckets(counted.from, counted.to);
    expect(spans.filter((s) => s.resolution === 'minute' && s.from < minutesFrom)).toEqual([]);
  });
});
