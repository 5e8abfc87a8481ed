import { NormalizedEvent } from '@app/contracts';
import { EngineEvent } from '@app/engine';

export function toEngineEvent(event: NormalizedEvent): EngineEvent {
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    severity: event.severity,
    occurredAt: event.occurredAt.getTime(),
    value: event.value,
    payload: event.payload,
  };
}
