// The live incident stream, GET /api/incidents/stream, read with fetch: EventSource cannot
// send the X-API-Key header. A dashboard stays open for hours, so a dropped stream is opened
// again after a pause, and onReconnect lets the caller read what it missed from the list.
import { apiKey } from './api.js';

const RECONNECT_MS = 5000;

export function followIncidents({ onMessage, onState, onReconnect }) {
  const controller = new AbortController();
  let first = true;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch('/api/incidents/stream', {
          headers: { 'X-API-Key': apiKey(), Accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`live incidents: ${response.status}`);
        if (!first) onReconnect();
        first = false;
        onState('live');
        await readEvents(response.body, onMessage);
        onState('stream closed, reconnecting');
      } catch (error) {
        if (controller.signal.aborted) return;
        onState(`stream lost (${error.message}), reconnecting`);
      }
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  };
  run();
  return () => controller.abort();
}

async function readEvents(body, onMessage) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const data = buffered
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      buffered = buffered.slice(end + 2);
      if (data) onMessage(JSON.parse(data)); // no data: a heartbeat comment
    }
  }
}
