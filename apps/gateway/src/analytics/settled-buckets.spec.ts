import { BucketSpan } from './covering-buckets';
import { SETTLE_MS, spansOfBuckets, splitSettled } from './settled-buckets';

const at = (iso: string) => Date.parse(iso);
const span = (
  resolution: BucketSpan['resolution'],
  from: string,
  to: string,
  sign: 1 | -1 = 1,
): BucketSpan => ({ resolution, from: at(from), to: at(to), sign });

describe('splitSettled', () => {
  it('keeps buckets that ended SETTLE_MS ago as single buckets and the rest as open spans', () => {
    const now = at('2026-12-01T15:30:30Z');
    const { settled, open } = splitSettled(
      [
        span('hour', '2026-12-01T12:00:00Z', '2026-12-01T16:00:00Z'),
        span('minute', '2026-12-01T15:27:00Z', '2026-12-01T15:31:00Z', -1),
      ],
      now,
    );
    expect(settled.map((b) => [b.resolution, new Date(b.start).toISOString(), b.sign])).toEqual([
      ['hour', '2026-12-01T12:00:00.000Z', 1],
      ['hour', '2026-12-01T13:00:00.000Z', 1],
      ['hour', '2026-12-01T14:00:00.000Z', 1],
      ['minute', '2026-12-01T15:27:00.000Z', -1],
      ['minute', '2026-12-01T15:28:00.000Z', -1],
    ]);
    // 15:29 ended 30 s ago: still open, like the hour it is in.
    expect(open).toEqual([
      span('hour', '2026-12-01T15:00:00Z', '2026-12-01T16:00:00Z'),
      span('minute', '2026-12-01T15:29:00Z', '2026-12-01T15:31:00Z', -1),
    ]);
  });

  it('covers every minute of every span exactly once, settled or open', () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 200; trial++) {
      const unit = [60_000, 3_600_000, 86_400_000][Math.floor(random() * 3)];
      const resolution = ({ 60000: 'minute', 3600000: 'hour', 86400000: 'day' } as const)[
        unit as 60000
      ];
      const from = Math.floor((random() * 10 * 86_400_000) / unit) * unit;
      const to = from + Math.ceil(random() * 50) * unit;
      const now = Math.floor(random() * 12 * 86_400_000);
      const { settled, open } = splitSettled([{ resolution, from, to, sign: 1 }], now);
      const covered = [
        ...settled.map((b) => [b.start, b.start + unit]),
        ...open.map((s) => [s.from, s.to]),
      ].sort((a, b) => a[0] - b[0]);
      expect(covered[0][0]).toBe(from);
      for (let i = 1; i < covered.length; i++) expect(covered[i][0]).toBe(covered[i - 1][1]);
      expect(covered.at(-1)?.[1]).toBe(to);
      for (const b of settled) expect(b.start + unit).toBeLessThanOrEqual(now - SETTLE_MS);
    }
  });
});

describe('spansOfBuckets', () => {
  it('joins consecutive buckets of one resolution and keeps the rest apart', () => {
    const bucket = (resolution: BucketSpan['resolution'], iso: string) => ({
      resolution,
      start: at(iso),
    });
    expect(
      spansOfBuckets([
        bucket('minute', '2026-12-01T10:02:00Z'),
        bucket('hour', '2026-12-01T10:00:00Z'),
        bucket('minute', '2026-12-01T10:00:00Z'),
        bucket('minute', '2026-12-01T10:01:00Z'),
        bucket('minute', '2026-12-01T10:01:00Z'),
        bucket('minute', '2026-12-01T10:05:00Z'),
        bucket('hour', '2026-12-01T11:00:00Z'),
      ]),
    ).toEqual([
      span('hour', '2026-12-01T10:00:00Z', '2026-12-01T12:00:00Z'),
      span('minute', '2026-12-01T10:00:00Z', '2026-12-01T10:03:00Z'),
      span('minute', '2026-12-01T10:05:00Z', '2026-12-01T10:06:00Z'),
    ]);
  });
});
