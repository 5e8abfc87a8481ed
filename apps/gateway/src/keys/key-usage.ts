/** A key's last use is written at most this often: the column says roughly when, not each use. */
export const KEY_USE_RESOLUTION_MS = 60_000;

/**
 * Last uses waiting to be written, at most one per key per KEY_USE_RESOLUTION_MS: a request
 * only notes its key in memory, and a timer writes the batch in one statement.
 */
export class KeyUseBatch {
  private readonly lastNoted = new Map<string, number>();
  private pending = new Map<string, Date>();

  note(keyId: string, now: Date): void {
    const last = this.lastNoted.get(keyId);
    if (last !== undefined && now.getTime() - last < KEY_USE_RESOLUTION_MS) return;
    this.lastNoted.set(keyId, now.getTime());
    this.pending.set(keyId, now);
  }

  /** The uses to write now; the batch starts empty again. */
  take(): Map<string, Date> {
    const taken = this.pending;
    this.pending = new Map();
    return taken;
  }

  /** A write failed: keep its uses for the next one, unless a newer use replaced them. */
  putBack(uses: ReadonlyMap<string, Date>): void {
    for (const [keyId, at] of uses) {
      if (!this.pending.has(keyId)) this.pending.set(keyId, at);
    }
  }
}
