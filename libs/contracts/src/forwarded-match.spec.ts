import {
  decodeForwardedMatch,
  encodeForwardedMatch,
  ForwardedMatch,
  forwardedMatchKey,
  forwardedMatchPartition,
} from './forwarded-match';

const match: ForwardedMatch = {
  ruleId: 'logins-per-client',
  fingerprint: 'Zm9vYmFyYmF6cXV4',
  groupKey: 'client-7',
  event: {
    id: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
    type: 'login.failure',
    source: 'web-1',
    severity: 'high',
    occurredAt: Date.UTC(2026, 10, 23, 10),
    value: null,
  },
  origin: { partition: 4, offset: '12345' },
};

describe('forwarded matches', () => {
  it('decode what they encode', () => {
    expect(decodeForwardedMatch(Buffer.from(encodeForwardedMatch(match)))).toEqual({
      ok: true,
      value: match,
    });
    const withValue = { ...match, groupKey: '', event: { ...match.event, value: -2.5 } };
    expect(decodeForwardedMatch(encodeForwardedMatch(withValue))).toEqual({
      ok: true,
      value: withValue,
    });
  });

  it('refuse a record that is not one, with every reason', () => {
    expect(decodeForwardedMatch(null)).toEqual({
      ok: false,
      reasons: ['forwarded match is empty (null value)'],
    });
    expect(decodeForwardedMatch('{"v":1,')).toEqual({
      ok: false,
      reasons: [expect.stringMatching(/^forwarded match is not valid JSON/)],
    });
    const wrong = JSON.parse(encodeForwardedMatch(match)) as Record<string, unknown>;
    const decoded = decodeForwardedMatch(
      JSON.stringify({
        ...wrong,
        v: 2,
        rule: 'no spaces allowed',
        event: { ...match.event, severity: 'fatal', occurredAt: 1.5 },
        origin: { partition: -1, offset: 'x' },
        extra: true,
      }),
    );
    expect(decoded).toEqual({
      ok: false,
      reasons: [
        'unknown field "extra" (allowed: v, rule, fp, key, event, origin)',
        '"v" must be 1, got 2',
        '"rule" must be a rule id',
        '"event.severity" must be one of low, medium, high, critical, got "fatal"',
        '"event.occurredAt" must be a whole number, got 1.5',
        '"origin.partition" must be between 0 and 1000000, got -1',
        '"origin.offset" must be a Kafka offset',
      ],
    });
  });

  it('go to one partition per rule and group key, spread over all of them', () => {
    expect(forwardedMatchKey('r', 'a\u0000b')).toBe('["r","a\\u0000b"]');
    const partitions = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const partition = forwardedMatchPartition('rule', `key-${i}`, 6);
      expect(forwardedMatchPartition('rule', `key-${i}`, 6)).toBe(partition);
      partitions.add(partition);
    }
    expect([...partitions].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // The rule is part of the key: the same group key of two rules need not share a partition.
    expect(forwardedMatchPartition('a', '*', 1000)).not.toBe(
      forwardedMatchPartition('b', '*', 1000),
    );
  });
});
