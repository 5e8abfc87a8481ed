import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { MAX_INCIDENT_EVENT_IDS } from '@app/contracts';
import { lifecycle, lifecycleRecord, openIncident } from './notifications';

/** Reads the gateway's Server-Sent Events response as it arrives, message by message. */
export async function readStream(url: string, key: string, into: string[], signal: AbortSignal) {
  const response = await fetch(`${url}/api/incidents/stream`, {
    headers: { 'x-api-key': key },
    signal,
  });
  if (!response.ok) throw new Error(`stream answered ${response.status}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          into.push(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return response;
}

/**
 * Publishes `batches` × 100 valid lifecycle messages of about 5.5 KB each (about 0.55 MB a
 * batch, under the broker's 1 MB) to `topic`: enough to fill a client's socket buffers and
 * the gateway's. Returns the incident ids in the order published.
 */
export async function publishBulkyLifecycles(
  producer: Producer,
  topic: string,
  batches: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const messages = Array.from({ length: 100 }, (_, i) => {
      const incident = {
        ...openIncident(batch * 100 + i, new Date()),
        groupKey: 'k'.repeat(1000),
        eventIds: Array.from({ length: MAX_INCIDENT_EVENT_IDS }, () => randomUUID()),
      };
      ids.push(incident.id);
      return lifecycleRecord(lifecycle(incident));
    });
    await producer.send({ topic, messages });
  }
  return ids;
}
