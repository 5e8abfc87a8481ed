import { NormalizedEvent, Severity } from '@app/contracts';
import { EngineEvent } from '@app/engine';

/**
 * An event as alerting offers it to the engine, decoded or forwarded by another replica.
 *
 * A class, not an object literal. A literal with NormalizedEvent's fields in the same order
 * shares NormalizedEvent's hidden classes in V8, and there `occurredAt` is a Date: the field
 * then holds any value, so each engine event's time is a separate heap number, checked at every
 * read. That cost the engine about 400 instructions an event, 11% (docs/benchmarks.md). Objects
 * of a class of their own keep the time in a number field. `groupKey` is always set (undefined
 * on the direct path), so both paths make objects of one hidden class.
 */
export class OfferedEvent implements EngineEvent {
  // Declared only: a field defined by the class would start as undefined, and V8 would keep
  // the time as a heap number again. The constructor gives each field its first value.
  declare readonly id: string;
  declare readonly type: string;
  declare readonly source: string;
  declare readonly severity: Severity;
  declare occurredAt: number;
  declare readonly value: number | null;
  declare readonly payload: EngineEvent['payload'];
  declare readonly groupKey: string | undefined;

  constructor(
    id: string,
    type: string,
    source: string,
    severity: Severity,
    occurredAt: number,
    value: number | null,
    payload: EngineEvent['payload'],
    groupKey: string | undefined,
  ) {
    this.id = id;
    this.type = type;
    this.source = source;
    this.severity = severity;
    this.occurredAt = occurredAt;
    this.value = value;
    this.payload = payload;
    this.groupKey = groupKey;
  }
}

export function toEngineEvent(event: NormalizedEvent): EngineEvent {
  return new OfferedEvent(
    event.id,
    event.type,
    event.source,
    event.severity,
    event.occurredAt.getTime(),
    event.value,
    event.payload,
    undefined,
  );
}
