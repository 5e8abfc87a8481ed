import { EgressDeniedError } from '@app/net';
import { AttemptResult, delivered, permanent, retryable } from '../attempt/attempt-result';
import { singleLine, truncate } from '../messages/text';
import { HttpPostResponse } from './http-post';

const MAX_SNIPPET = 200;

/**
 * Retry only what can succeed later: 408, 429 and 5xx. A 3xx is a failure, not something to
 * follow: the URL was checked against the egress policy, its redirect target was not, and
 * webhook providers do not redirect.
 */
export function resultFromResponse(response: HttpPostResponse, now: number): AttemptResult {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return delivered(status);
  const detail = describeStatus(response);
  if (status >= 300 && status < 400) {
    return permanent(
      `HTTP ${status} redirect refused: redirects are not followed, configure the final URL`,
      status,
    );
  }
  if (status === 408 || status === 429 || status >= 500) {
    return retryable(detail, status, parseRetryAfter(response.headers['retry-after'], now));
  }
  return permanent(detail, status);
}

/** A request that got no response: network trouble is worth a retry, a policy refusal is not. */
export function resultFromError(error: unknown): AttemptResult {
  if (error instanceof EgressDeniedError) return permanent(`egress refused: ${error.message}`);
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return retryable(
    `network error: ${typeof code === 'string' && !message.includes(code) ? `${code} ` : ''}${message}`,
  );
}

function describeStatus(response: HttpPostResponse): string {
  const snippet = truncate(singleLine(response.body).replace(/\s+/g, ' '), MAX_SNIPPET);
  return snippet ? `HTTP ${response.statusCode}: ${snippet}` : `HTTP ${response.statusCode}`;
}

/** Retry-After is either delay-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
