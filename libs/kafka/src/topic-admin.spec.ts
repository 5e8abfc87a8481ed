import { isCreationRace, untilDeadline } from './topic-admin';

describe('isCreationRace', () => {
  it('recognises what a concurrent creation of the same topics produces, and nothing else', () => {
    const race = Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    expect(isCreationRace(race)).toBe(true);
    expect(isCreationRace({ errors: [race, { type: 'TOPIC_ALREADY_EXISTS' }] })).toBe(true);
    expect(isCreationRace({ type: 'REQUEST_TIMED_OUT', retriable: true })).toBe(true);
    expect(isCreationRace({ type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false })).toBe(false);
    expect(isCreationRace({ errors: [race, { type: 'INVALID_REPLICATION_FACTOR' }] })).toBe(false);
    expect(isCreationRace(new Error('connection refused'))).toBe(false);
  });
});

describe('untilDeadline', () => {
  const raceError = () =>
    Object.assign(new Error('There is no leader for this topic-partition'), {
      type: 'LEADER_NOT_AVAILABLE',
    });

  it('retries a race until it settles', async () => {
    let calls = 0;
    await untilDeadline({ at: Date.now() + 5000, ms: 5000 }, ['events'], () => {
      calls++;
      return calls < 3 ? Promise.reject(raceError()) : Promise.resolve();
    });
    expect(calls).toBe(3);
  });

  it('fails within its bound, naming the topics and the last reason, when a race never settles', async () => {
    const started = Date.now();
    await expect(
      untilDeadline({ at: Date.now() + 1000, ms: 1000 }, ['events', 'events.dlq'], () =>
        Promise.reject(raceError()),
      ),
    ).rejects.toThrow(
      'Kafka topics events, events.dlq not ready (created, with a leader for every partition) ' +
        'within 1 s: There is no leader for this topic-partition',
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('passes any other error on at once', async () => {
    let calls = 0;
    const denied = Object.assign(new Error('denied'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    await expect(
      untilDeadline({ at: Date.now() + 5000, ms: 5000 }, ['events'], () => {
        calls++;
        return Promise.reject(denied);
      }),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
  });
});
