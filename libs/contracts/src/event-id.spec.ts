import { keyedEventIds, randomEventIds, uuidV5 } from './event-id';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('keyedEventIds', () => {
  const deriveEventId = keyedEventIds('a-secret-of-the-deployment');

  it('is stable for the same coordinates (a redelivery) and different for others', () => {
    expect(deriveEventId('events', 0, '10')).toBe(deriveEventId('events', 0, '10'));
    expect(deriveEventId('events', 0, '10')).toBe(
      keyedEventIds('a-secret-of-the-deployment')('events', 0, '10'),
    );
    expect(deriveEventId('events', 0, '10')).not.toBe(deriveEventId('events', 0, '11'));
    expect(deriveEventId('events', 0, '10')).not.toBe(deriveEventId('events', 1, '10'));
    expect(deriveEventId('events', 0, '10')).not.toBe(deriveEventId('other', 0, '10'));
  });

  it('depends on the secret, so nobody without it can compute the id of a future offset', () => {
    const other = keyedEventIds('another-deployment-secret');
    expect(deriveEventId('events', 0, '10')).not.toBe(other('events', 0, '10'));
    // The ids used to be this public name-based UUID, which anybody could compute in advance.
    const publicNamespace = Buffer.from('5b8e4f0c9d2a4e7fb3c16a0d8e2f4a17', 'hex');
    for (const offset of ['0', '1', '10', '99999']) {
      expect(deriveEventId('events', 0, offset)).not.toBe(
        uuidV5(`events/0/${offset}`, publicNamespace),
      );
    }
  });

  it('is the HMAC-SHA-256 of topic/partition/offset as an RFC 9562 version-8 UUID', () => {
    // Independent of the implementation: the digest's first 16 bytes, version 8, variant 10.
    const id = deriveEventId('events', 2, '7');
    expect(id).toMatch(UUID_V8);
    // echo -n 'events/2/7' | openssl dgst -sha256 -hmac 'a-secret-of-the-deployment'
    // = 9e939a2e6db88325d7bc0ac1ffbd3669..., with byte 6 -> 0x83 and byte 8 (0xd7) -> 0x97.
    expect(id).toBe('9e939a2e-6db8-8325-97bc-0ac1ffbd3669');
  });

  it('refuses a missing or short secret', () => {
    expect(() => keyedEventIds('')).toThrow(/at least 16 characters/);
    expect(() => keyedEventIds('fifteen-chars!!')).toThrow(/at least 16 characters/);
    expect(() => keyedEventIds('sixteen-chars!!!')).not.toThrow();
  });
});

describe('randomEventIds', () => {
  it('gives a new random UUID for every call, whatever the coordinates', () => {
    const first = randomEventIds('events', 0, '0');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomEventIds('events', 0, '0')).not.toBe(first);
  });
});

describe('uuidV5', () => {
  it('matches the RFC 4122 appendix example (DNS namespace, "www.example.com")', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
