/**
 * How long to wait before attempt `attempt` (1-based) after a failure: exponential from
 * `initialMs`, capped at `maxMs`, with "full jitter" so replicas that failed together do not
 * hammer the database together when it returns.
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export enum FailureKind {
  /** The data itself is refused (bad value, constraint): retrying the same rows cannot help. */
  PoisonData = 'poison-data',
  /** Anything else (connection lost, server restarting, deadlock, missing table...): wait and retry. */
  Transient = 'transient',
}

/**
 * Classifies a database error by its SQLSTATE. Only classes 22 (data exception) and 23
 * (integrity constraint violation) mean the rows are at fault; everything else, including
 * errors we do not recognise, is retried, because dropping data on an unknown error is the
 * one thing the consumer must never do.
 */
export function classifyDatabaseError(error: unknown): FailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return FailureKind.PoisonData;
  return FailureKind.Transient;
}
