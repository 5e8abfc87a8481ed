export interface RestartPolicyOptions {
  /** Wait before the first restart; each further quick failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An app that ran this long before it died was healthy: its failure count starts over. */
  stableAfterMs: number;
  /** Quick failures in a row that are restarted; the next one gives up. */
  maxQuickFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
  maxQuickFailures: 3,
};

/**
 * When the local stack restarts an app that died (`restart: unless-stopped` in compose does the
 * same for Docker users): at once-ish after a crash or a kill, with a doubling back-off while it
 * keeps dying young, and not at all once it is clearly crash-looping (a bad setting, a port in
 * use), so a newcomer sees the error instead of an endless scroll.
 */
export class RestartPolicy {
  private quickFailures = 0;

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** The delay before restarting an app that died after running `ranMs`, or null: give up. */
  afterUnexpectedExit(ranMs: number): number | null {
    if (ranMs >= this.options.stableAfterMs) this.quickFailures = 0;
    this.quickFailures++;
    if (this.quickFailures > this.options.maxQuickFailures) return null;
    return Math.min(
      this.options.baseDelayMs * 2 ** (this.quickFailures - 1),
      this.options.maxDelayMs,
    );
  }
}
