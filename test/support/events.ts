import { randomUUID } from 'node:crypto';
import { Message } from 'kafkajs';
import { SEVERITIES } from '@app/contracts';

const TYPES = [
  'payment.exception',
  'login.failure',
  'user-service.exception',
  'host.cpu.usage',
  'order.created',
];

/** A valid version-1 event message, deterministic for a given index. */
export function v1Event(
  index: number,
  options: { withId?: boolean; sources?: number; baseTime?: number } = {},
): Message {
  const source = `source-${index % (options.sources ?? 20)}`;
  const type = TYPES[index % TYPES.length];
  const event: Record<string, unknown> = {
    type,
    source,
    severity: SEVERITIES[index % SEVERITIES.length],
    // Spread over five minutes so the rollups have several buckets.
    occurredAt: new Date(
      (options.baseTime ?? Date.UTC(2026, 10, 23, 10, 0, 0)) + (index % 300) * 1000,
    ).toISOString(),
    payload: { index, note: `event ${index}` },
  };
  if (options.withId ?? true) event.id = randomUUID();
  if (type === 'host.cpu.usage') event.value = (index % 100) + 0.5;
  return { key: source, value: JSON.stringify(event) };
}

export function legacyEvent(index: number): Message {
  return {
    key: `legacy-${index % 5}`,
    value: JSON.stringify({ event_type: 'login.failure', event_payload: `legacy ${index}` }),
  };
}

export function idOf(message: Message): string {
  return (JSON.parse(String(message.value)) as { id: string }).id;
}
