import { createHash, randomBytes } from 'node:crypto';

/** What every key made by POST /api/keys starts with, so a leaked one is recognisable. */
export const MANAGED_KEY_PREFIX = 'emk_';
/** 32 random bytes: base64url without padding is 43 characters. */
const RANDOM_BYTES = 32;
/** Characters after `emk_` shown in listings: enough to tell keys apart, far too few to guess. */
const SHOWN_CHARACTERS = 4;

export const MANAGED_KEY_PATTERN = /^emk_[A-Za-z0-9_-]{43}$/;

export interface NewManagedKey {
  /** The key itself: given to its creator once, never stored. */
  key: string;
  /** Hex SHA-256 of the key: what is stored and looked up. */
  hash: string;
  /** `emk_` and the first characters of the key, e.g. `emk_AbC1`: not secret. */
  prefix: string;
}

/** Hex SHA-256 of a key, as `api_keys.key_hash` holds it. */
export const managedKeyHash = (key: string): string =>
  createHash('sha256').update(key).digest('hex');

export function newManagedKey(random: (size: number) => Buffer = randomBytes): NewManagedKey {
  const key = MANAGED_KEY_PREFIX + random(RANDOM_BYTES).toString('base64url');
  return {
    key,
    hash: managedKeyHash(key),
    prefix: key.slice(0, MANAGED_KEY_PREFIX.length + SHOWN_CHARACTERS),
  };
}

export type KeyState = 'active' | 'expired' | 'revoked';

export interface KeyLifetime {
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Revoked wins over expired: it is the deliberate act, and the one to report. */
export function keyState(key: KeyLifetime, now: Date): KeyState {
  if (key.revokedAt !== null && key.revokedAt.getTime() <= now.getTime()) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
