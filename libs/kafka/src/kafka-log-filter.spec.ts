import { KafkaLogFilter } from './kafka-log-filter';

// The lines kafkajs 2.2.4 logged at error level during a healthy cold start of the stack.
const COLD_START_LINES: Array<[string, Record<string, unknown>]> = [
  ['Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors' }],
  [
    'Response GroupCoordinator(key: 10, version: 2)',
    { error: 'The group coordinator is not available' },
  ],
  [
    'Response Metadata(key: 3, version: 6)',
    { error: 'This server does not host this topic-partition' },
  ],
  [
    'Response Produce(key: 0, version: 7)',
    { error: 'This server is not the leader for that topic-partition' },
  ],
  [
    'Failed to send messages: This server is not the leader for that topic-partition',
    { retryCount: 0 },
  ],
  [
    "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group",
    { groupId: 'eventmon-consumer-notifications' },
  ],
  [
    'Restarting the consumer in 300ms',
    { retryTime: 300, groupId: 'eventmon-consumer-notifications' },
  ],
];

describe('KafkaLogFilter', () => {
  it('logs the transient answers of a brand-new broker at debug, not error', () => {
    const filter = new KafkaLogFilter(30_000, () => 0);
    for (const [message, extra] of COLD_START_LINES) {
      expect({ message, ...filter.decide('error', message, extra) }).toEqual({
        message,
        level: 'debug',
      });
    }
  });

  it('keeps real errors, and the restart after a real crash, at error', () => {
    const filter = new KafkaLogFilter(30_000, () => 0);
    const refused = { error: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' };
    expect(filter.decide('error', 'Connection error', refused).level).toBe('error');
    expect(
      filter.decide('error', 'Response SaslAuthenticate(key: 36, version: 2)', {
        error: 'Authentication failed during authentication due to invalid credentials',
      }).level,
    ).toBe('error');
    expect(filter.decide('warn', 'KafkaJS v2.0.0 switched default partitioner', {}).level).toBe(
      'warn',
    );

    const group = { groupId: 'g' };
    filter.decide('error', 'Crash: KafkaJSProtocolError: The coordinator is loading', group);
    expect(filter.decide('error', 'Restarting the consumer in 300ms', group).level).toBe('debug');
    filter.decide('error', 'Crash: KafkaJSConnectionError: Connection timeout', group);
    expect(filter.decide('error', 'Restarting the consumer in 300ms', group).level).toBe('error');
  });

  it('warns once when the same transient answer keeps coming for more than 30 s', () => {
    let now = 0;
    const filter = new KafkaLogFilter(30_000, () => now);
    const loading = () =>
      filter.decide('error', 'Response JoinGroup(key: 11, version: 5)', {
        error: "The coordinator is loading and hence can't process requests for this group",
      });
    const levels: string[] = [];
    for (now = 0; now <= 60_000; now += 5_000) levels.push(loading().level);
    expect(levels.filter((level) => level === 'warn')).toHaveLength(1);
    expect(levels.slice(0, 7)).toEqual(Array(7).fill('debug'));
    expect(levels[7]).toBe('warn');

    // After a quiet spell longer than the threshold, a new run starts from scratch.
    const again: string[] = [];
    for (now = 200_000; now <= 231_000; now += 7_750) again.push(loading().level);
    expect(again).toEqual(['debug', 'debug', 'debug', 'debug', 'warn']);
  });

  it('says how long the transient answer lasted when it warns', () => {
    let now = 0;
    const filter = new KafkaLogFilter(30_000, () => now);
    const metadata = { error: 'This server does not host this topic-partition' };
    for (now = 0; now < 30_000; now += 10_000)
      filter.decide('error', 'Response Metadata', metadata);
    now = 31_000;
    expect(filter.decide('error', 'Response Metadata', metadata)).toEqual({
      level: 'warn',
      note: '"This server does not host this topic-partition" for 31 s now (logged once):',
    });
  });
});
