export enum FailureKind {
  /** The data itself is refused (bad value, constraint, too complex): retrying the same rows cannot help. */
  PoisonData = 'poison-data',
  /** Anything else (connection lost, server restarting, deadlock, missing table...): wait and retry. */
  Transient = 'transient',
}

/**
 * Classifies a database error by its SQLSTATE. Only classes 22 (data exception), 23
 * (integrity constraint violation) and 54 (program limit exceeded: a value or a batch too
 * large or too deep) mean the rows are at fault, and splitting the batch isolates them;
 * everything else, including
 * errors we do not recognise, is retried, because dropping data on an unknown error is the
 * one thing the consumer must never do.
 */
export function classifyDatabaseError(error: unknown): FailureKind {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code))
    return FailureKind.PoisonData;
  return FailureKind.Transient;
}
