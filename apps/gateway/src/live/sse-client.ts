import type { Response } from 'express';
import type { LiveClient } from './live-incidents.service';
import { sseEvent } from './live-message';

/** An SSE client this far behind is dropped rather than buffered without bound. */
const SSE_MAX_PENDING_BYTES = 1024 * 1024;

/** A Server-Sent Events response as a client of the live fan-out. */
export function sseClient(response: Response): LiveClient {
  return {
    transport: 'sse',
    maxPendingBytes: SSE_MAX_PENDING_BYTES,
    send: (message) => void response.write(sseEvent(message)),
    heartbeat: () => void response.write(': heartbeat\n\n'),
    pendingBytes: () => response.writableLength,
    close: () => void response.end(),
    // Ending would keep the megabyte it is behind in memory until the slow client read it all.
    drop: () => void response.destroy(),
  };
}
