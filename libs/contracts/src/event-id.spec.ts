import { deriveEventId, uuidV5 } from './event-id';

describe('deriveEventId', () => {
  it('is stable for the same coordinates and different for others', () => {
    expect(deriveEventId('events', 0, '10')).toBe(deriveEventId('events', 0, '10'));
    expect(deriveEventId('events', 0, '10')).not.toBe(deriveEventId('events', 0, '11'));
    expect(deriveEventId('events', 0, '10')).not.toBe(deriveEventId('events', 1, '10'));
    expect(deriveEventId('events', 0, '10')).not.toBe(deriveEventId('other', 0, '10'));
  });

  it('produces RFC 4122 version 5 UUIDs', () => {
    expect(deriveEventId('events', 2, '7')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('matches the RFC 4122 appendix example (DNS namespace, "www.example.com")', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
