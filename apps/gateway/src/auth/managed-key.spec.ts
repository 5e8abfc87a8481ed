import { createHash } from 'node:crypto';
import { keyState, MANAGED_KEY_PATTERN, managedKeyHash, newManagedKey } from './managed-key';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-12-06T08:00:00Z');

describe('newManagedKey', () => {
  it('makes emk_ and 32 random bytes in base64url, with a short prefix and its SHA-256', () => {
    const made = newManagedKey((size) => Buffer.from([...Array(size).keys()]));
    expect(made.key).toBe('emk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8');
    expect(made.key).toMatch(MANAGED_KEY_PATTERN);
    expect(made.prefix).toBe('emk_AAEC');
    expect(made.hash).toBe(createHash('sha256').update(made.key).digest('hex'));
    expect(managedKeyHash(made.key)).toBe(made.hash);
  });

  it('makes a different key each time, each shown by its first four random characters', () => {
    const one = newManagedKey();
    const two = newManagedKey();
    expect(one.key).not.toBe(two.key);
    expect(one.key).toMatch(MANAGED_KEY_PATTERN);
    expect(one.prefix).toBe(one.key.slice(0, 8));
    expect(one.prefix).toHaveLength(8);
  });
});

describe('keyState', () => {
  it('is active without expiry or revocation, and before its expiry', () => {
    expect(keyState({ expiresAt: null, revokedAt: null }, NOW)).toBe('active');
    expect(keyState({ expiresAt: at('2026-12-06T08:00:01Z'), revokedAt: null }, NOW)).toBe(
      'active',
    );
  });

  it('is expired from its expiry instant on', () => {
    expect(keyState({ expiresAt: NOW, revokedAt: null }, NOW)).toBe('expired');
    expect(keyState({ expiresAt: at('2026-01-01T00:00:00Z'), revokedAt: null }, NOW)).toBe(
      'expired',
    );
  });

  it('is revoked once revoked, even when it has expired too', () => {
    expect(keyState({ expiresAt: null, revokedAt: NOW }, NOW)).toBe('revoked');
    expect(
      keyState(
        { expiresAt: at('2026-01-01T00:00:00Z'), revokedAt: at('2026-02-01T00:00:00Z') },
        NOW,
      ),
    ).toBe('revoked');
  });
});
