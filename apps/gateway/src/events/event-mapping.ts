import type { EventEntity } from '@app/database';
import type { EventDto } from './events.dto';

/** A stored event as the API shows it. */
export function toEventDto(event: EventEntity): EventDto {
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    severity: event.severity,
    occurredAt: event.occurredAt.toISOString(),
    receivedAt: event.receivedAt.toISOString(),
    value: event.value,
    payload: event.payload,
  };
}
