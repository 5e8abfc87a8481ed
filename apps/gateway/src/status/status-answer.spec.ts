import type { TopicLag } from '@app/kafka';
import type { ProductGroup } from './product-groups';
import { assembleStatus, dependencyStatus, groupLagStatus, StatusParts } from './status-answer';

const group: ProductGroup = {
  service: 'consumer-notifications',
  groupId: 'g',
  topics: ['notifications', 'notifications.deliveries'],
};

function lag(topic: string, value: bigint | null, uncommittedPartitions = 0): TopicLag {
  return { topic, lag: value, uncommittedPartitions, committedSum: 0n };
}

describe('groupLagStatus', () => {
  it('lists each topic and sums their lags', () => {
    const status = groupLagStatus(group, {
      ok: true,
      value: [lag('notifications', 4n), lag('notifications.deliveries', 3n)],
    });
    expect(status).toEqual({
      service: 'consumer-notifications',
      groupId: 'g',
      lag: 7,
      topics: [
        { topic: 'notifications', lag: 4 },
        { topic: 'notifications.deliveries', lag: 3 },
      ],
    });
  });

  it('sums only what is known, and says why a topic has no lag', () => {
    const status = groupLagStatus(group, { ok: true, value: [lag('notifications', 2n, 1)] });
    expect(status.lag).toBe(2);
    expect(status.topics).toEqual([
      {
        topic: 'notifications',
        lag: 2,
        reason: '1 partition(s) without a commit yet not counted',
      },
      { topic: 'notifications.deliveries', lag: null, reason: 'the topic does not exist yet' },
    ]);
  });

  it('is null with a reason when the group has committed nothing', () => {
    const status = groupLagStatus(group, {
      ok: true,
      value: [lag('notifications', null, 3), lag('notifications.deliveries', null, 3)],
    });
    expect(status).toMatchObject({ lag: null, reason: 'the group has committed nothing yet' });
    expect(status.topics[0]).toEqual({
      topic: 'notifications',
      lag: null,
      reason: 'no offset committed yet',
    });
  });

  it('is null with the error when Kafka could not be asked', () => {
    const status = groupLagStatus(group, { ok: false, reason: 'no answer within 1500 ms' });
    expect(status).toEqual({
      service: 'consumer-notifications',
      groupId: 'g',
      lag: null,
      reason: 'no answer within 1500 ms',
      topics: [
        { topic: 'notifications', lag: null },
        { topic: 'notifications.deliveries', lag: null },
      ],
    });
  });
});

describe('dependencyStatus', () => {
  it('names what an up check reports, without terminus response time', () => {
    expect(
      dependencyStatus(
        'kafka',
        { kafka: { status: 'up', brokers: 3, controller: 1, responseTime: 9 } },
        12.4,
      ),
    ).toEqual({ name: 'kafka', status: 'up', detail: 'brokers 3, controller 1', latencyMs: 12 });
  });

  it('gives the message of a down check as the detail', () => {
    expect(
      dependencyStatus('database', { database: { status: 'down', message: 'timeout' } }, 1500),
    ).toEqual({ name: 'database', status: 'down', detail: 'timeout', latencyMs: 1500 });
  });
});

describe('assembleStatus', () => {
  const parts: StatusParts = {
    version: '0.1.0',
    generatedAt: new Date('2026-12-06T04:00:00.000Z'),
    dependencies: [{ name: 'database', status: 'up', latencyMs: 3 }],
    consumerLag: [],
    counts: {
      ok: true,
      value: {
        rules: { loaded: 3, enabled: 2, fromFile: 1 },
        incidents: { open: 1, acknowledged: 0 },
      },
    },
    deadLettersSince: new Date('2026-12-06T03:00:00.000Z'),
    deadLetters: {
      ok: true,
      value: [
        { topic: 'events.dlq', count: 3 },
        { topic: 'notifications.dlq', count: 1 },
      ],
    },
  };

  it('puts the parts together and totals the dead letters', () => {
    expect(assembleStatus(parts)).toEqual({
      version: '0.1.0',
      generatedAt: '2026-12-06T04:00:00.000Z',
      dependencies: [{ name: 'database', status: 'up', latencyMs: 3 }],
      consumerLag: [],
      rules: { loaded: 3, enabled: 2, fromFile: 1 },
      incidents: { open: 1, acknowledged: 0 },
      deadLetters: {
        since: '2026-12-06T03:00:00.000Z',
        lastHour: 4,
        topics: [
          { topic: 'events.dlq', count: 3 },
          { topic: 'notifications.dlq', count: 1 },
        ],
      },
      problems: [],
    });
  });

  it('makes a failed part null and says why in problems', () => {
    const answer = assembleStatus({
      ...parts,
      counts: { ok: false, reason: 'no answer within 1500 ms' },
      deadLetters: { ok: false, reason: 'connection refused' },
    });
    expect(answer).toMatchObject({ rules: null, incidents: null, deadLetters: null });
    expect(answer.problems).toEqual([
      'rules and incidents: no answer within 1500 ms',
      'dead letters: connection refused',
    ]);
  });
});
