import { BadRequestException } from '@nestjs/common';
import { expiryOf } from './key-expiry';

const NOW = new Date('2026-12-06T08:00:00Z');

describe('expiryOf', () => {
  it('is null (never) when neither expiresAt nor ttl is given', () => {
    expect(expiryOf({}, NOW)).toBeNull();
  });

  it('takes a future expiresAt as it is', () => {
    expect(expiryOf({ expiresAt: '2027-01-01T00:00:00Z' }, NOW)).toEqual(
      new Date('2027-01-01T00:00:00Z'),
    );
  });

  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['90d', 7_776_000_000],
  ])('adds a ttl of %s to now', (ttl, ms) => {
    expect(expiryOf({ ttl }, NOW)).toEqual(new Date(NOW.getTime() + ms));
  });

  it('refuses an expiresAt that is now or past', () => {
    expect(() => expiryOf({ expiresAt: NOW.toISOString() }, NOW)).toThrow(
      new BadRequestException('expiresAt must be in the future'),
    );
    expect(() => expiryOf({ expiresAt: '2026-01-01T00:00:00Z' }, NOW)).toThrow(
      'expiresAt must be in the future',
    );
  });

  it('refuses expiresAt and ttl together', () => {
    expect(() => expiryOf({ expiresAt: '2027-01-01T00:00:00Z', ttl: '1d' }, NOW)).toThrow(
      'give expiresAt or ttl, not both',
    );
  });
});
