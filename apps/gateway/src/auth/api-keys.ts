import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ROLES = ['read', 'ingest', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const API_KEY_ENTRY_PATTERN = /^[A-Za-z0-9._~-]{16,256}=(read|ingest|admin)$/;

/** Who made a request, as the audit log and logs show it: never the key itself. */
export interface Principal {
  role: Role;
  /**
   * `role:` and the first 12 hex digits of the key's fingerprint: stable, not reversible, and
   * keyed with the deployment's secret, so a holder of a key cannot tell it is the one named
   * (a plain hash prefix could be checked against a key list by anyone who sees it).
   */
  id: string;
  /** Set for a key made by POST /api/keys: its row id (bootstrap keys of API_KEYS have none). */
  keyId?: string;
}

interface KeyEntry {
  digest: Buffer;
  principal: Principal;
}

const digestOf = (key: string): Buffer => createHash('sha256').update(key).digest();

/** HMAC-SHA-256 of the key under the deployment's fingerprint secret, first 12 hex digits. */
export const keyFingerprint = (key: string, secret: string): string =>
  createHmac('sha256', secret).update(key).digest('hex').slice(0, 12);

/**
 * The API keys of `API_KEYS`. Keys are compared by their SHA-256 digests with
 * timingSafeEqual, so neither a key's length nor its first differing character leaks
 * through response times.
 */
export class ApiKeys {
  private readonly entries: KeyEntry[];

  constructor(
    pairs: readonly string[],
    private readonly fingerprintSecret: string,
  ) {
    this.entries = pairs.map((pair) => {
      const separator = pair.lastIndexOf('=');
      const key = pair.slice(0, separator);
      const role = pair.slice(separator + 1) as Role;
      const id = `${role}:${keyFingerprint(key, fingerprintSecret)}`;
      return { digest: digestOf(key), principal: { role, id } };
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Who each key of API_KEYS stands for, in the order given (listed by GET /api/keys). */
  get principals(): Principal[] {
    return this.entries.map((entry) => entry.principal);
  }

  /**
   * The principal of a key made by POST /api/keys: named like the bootstrap keys (role and a
   * keyed fingerprint), of its row id since the key itself is never kept.
   */
  managedPrincipal(role: Role, keyId: string): Principal {
    return { role, id: `${role}:${keyFingerprint(keyId, this.fingerprintSecret)}`, keyId };
  }

  /** The principal a key stands for, or undefined for an unknown key. */
  find(key: string): Principal | undefined {
    const digest = digestOf(key);
    let found: Principal | undefined;
    // Every entry is compared, so the time taken does not tell which entry matched.
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest)) found = entry.principal;
    }
    return found;
  }
}

/** Whether a principal of `role` may use a route that needs `needed`: admin may do everything. */
export const roleAllows = (role: Role, needed: Role): boolean =>
  role === 'admin' || role === needed;
