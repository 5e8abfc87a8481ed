import { isCreationRace } from './topic-admin';

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
