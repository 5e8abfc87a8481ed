/** What one attempt to reach a channel came to; the executor turns it into a DeliveryRecord. */
export type AttemptResult =
  | {
      ok: true;
      statusCode: number | null;
      /** Something worth knowing although it was delivered (e.g. some recipients refused). */
      note?: string;
    }
  | {
      ok: false;
      /** True only when a later attempt can succeed (network, timeout, 408, 429, 5xx). */
      retryable: boolean;
      statusCode: number | null;
      error: string;
      /** The receiver asked for this pause (Retry-After). */
      retryAfterMs?: number;
    };

export function delivered(statusCode: number | null, note?: string): AttemptResult {
  return note ? { ok: true, statusCode, note } : { ok: true, statusCode };
}

export function retryable(
  error: string,
  statusCode: number | null = null,
  retryAfterMs?: number,
): AttemptResult {
  return retryAfterMs === undefined
    ? { ok: false, retryable: true, statusCode, error }
    : { ok: false, retryable: true, statusCode, error, retryAfterMs };
}

export function permanent(error: string, statusCode: number | null = null): AttemptResult {
  return { ok: false, retryable: false, statusCode, error };
}
