import { backoffDelay } from '@app/resilience';
import { Clock } from '../generation/clock';
import { OutgoingEvent } from './outgoing-event';

/** Attempts per request: a refused connection or a 5xx gets two more, with backoff. */
const MAX_ATTEMPTS = 3;
const RETRY_INITIAL_MS = 200;
const RETRY_MAX_MS = 2000;
/** What the gateway's ingest routes read the API key from. */
const API_KEY_HEADER = 'x-api-key';

export interface HttpSinkOptions {
  endpoint: string;
  apiKey: string | undefined;
  timeoutMs: number;
}

/** A request that failed in a way another attempt cannot fix (a wrong key, a refused body). */
class PermanentHttpError extends Error {}

/**
 * The http sink: POSTs events to an HTTP intake instead of Kafka. An endpoint whose path
 * ends in /event (the original consumer's route, kept by the gateway) gets one legacy
 * `{event_type, event_payload}` body per event; any other endpoint (the gateway's
 * /api/events) gets the batch as one JSON array of version-1 events. A failed request is
 * retried a few times with backoff unless retrying cannot help (4xx other than 408/429);
 * then send() rejects and the publish pipeline counts the batch as failed and dropped, as
 * it does for a send Kafka gave up on.
 */
export class HttpEventsSender {
  private readonly legacy: boolean;

  constructor(
    private readonly options: HttpSinkOptions,
    private readonly clock: Clock,
  ) {
    this.legacy = /\/event\/?$/.test(new URL(options.endpoint).pathname);
  }

  async send(events: OutgoingEvent[]): Promise<void> {
    if (!this.legacy) return this.post(`[${events.map((event) => event.value).join(',')}]`);
    // One at a time, like the original producer: the intake sees them in order.
    for (const event of events) await this.post(legacyBody(event.value));
  }

  private async post(body: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.postOnce(body);
      } catch (error) {
        if (error instanceof PermanentHttpError || attempt >= MAX_ATTEMPTS) throw error;
        await this.clock.sleep(backoffDelay(attempt, RETRY_INITIAL_MS, RETRY_MAX_MS));
      }
    }
  }

  private async postOnce(body: string): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers[API_KEY_HEADER] = this.options.apiKey;
    let response: Response;
    try {
      response = await fetch(this.options.endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer in ${this.options.timeoutMs} ms`
          : describeFetchError(error);
      throw new Error(`POST ${this.options.endpoint} failed: ${reason}`);
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const text = (await response.text().catch(() => '')).slice(0, 300);
    const message = `POST ${this.options.endpoint} answered ${response.status}: ${text}`;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw retryable ? new Error(message) : new PermanentHttpError(message);
  }
}

/** The original shape: the type, and the payload as a string (JSON text when structured). */
export function legacyBody(eventJson: string): string {
  const event = JSON.parse(eventJson) as { type: string; payload?: unknown };
  const payload = event.payload;
  const text =
    payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
  return JSON.stringify({ event_type: event.type, event_payload: text });
}

/** fetch() says "fetch failed" and keeps the reason (ECONNREFUSED...) in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { message?: string } })?.cause?.message;
  const message = (error as Error)?.message ?? String(error);
  return cause ? `${message} (${cause})` : message;
}
