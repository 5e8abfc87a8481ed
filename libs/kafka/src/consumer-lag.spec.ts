import { topicLag, totalLag } from './consumer-lag';
import { recordsBetween } from './records-since';

/** Offsets of partitions 0, 1, 2... in that order. */
const offsets = (...values: string[]) => values.map((offset, partition) => ({ partition, offset }));

const highs = offsets('10', '5', '0');

describe('topicLag', () => {
  it('sums high watermark minus committed offset over the partitions', () => {
    const lag = topicLag('events', offsets('7', '3', '0'), highs);
    expect(lag).toEqual({ topic: 'events', lag: 5n, uncommittedPartitions: 0, committedSum: 10n });
  });

  it('is 0 at the head, and leaves out a commit past the end instead of going negative', () => {
    const lag = topicLag('events', offsets('10', '9'), highs);
    expect(lag.lag).toBe(0n);
  });

  it('is null when the group has committed on no partition (kafkajs says -1)', () => {
    const lag = topicLag('events', offsets('-1', '-1', '-1'), highs);
    expect(lag).toEqual({ topic: 'events', lag: null, uncommittedPartitions: 3, committedSum: 0n });
  });

  it('counts the committed partitions and says how many have no commit yet', () => {
    const lag = topicLag('events', offsets('4', '-1', '-1'), highs);
    expect(lag).toMatchObject({ lag: 6n, uncommittedPartitions: 2 });
  });

  it('keeps offsets past 2^53 exact', () => {
    const lag = topicLag(
      'events',
      [{ partition: 0, offset: '9007199254740993' }],
      [{ partition: 0, offset: '9007199254740995' }],
    );
    expect(lag.lag).toBe(2n);
  });

  it('totalLag adds the known lags and counts an unknown one as nothing', () => {
    const known = topicLag('a', [{ partition: 0, offset: '1' }], [{ partition: 0, offset: '4' }]);
    const unknown = topicLag(
      'b',
      [{ partition: 0, offset: '-1' }],
      [{ partition: 0, offset: '9' }],
    );
    expect(totalLag([known, unknown])).toBe(3n);
  });
});

describe('recordsBetween', () => {
  it('sums end minus start per partition, never below 0, and skips a partition without an end', () => {
    const starts = offsets('8', '5', '3', '1');
    // Partition 2: a record appended between the two look-ups, its start is past the end read
    // before; partition 3 has no end.
    const ends = offsets('10', '5', '2');
    expect(recordsBetween(starts, ends)).toBe(2n);
  });
});
