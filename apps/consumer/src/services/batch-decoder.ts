import { KafkaMessage } from 'kafkajs';
import {
  buildDeadLetter,
  DeadLetterRecord,
  DeadLetterSource,
  DeadLetterStage,
  decodeEventMessage,
  EventLimits,
} from '@app/contracts';
import { PersistableEvent } from '../repositories/event-batch.repository';

/** A valid event, with the raw message kept in case the database refuses it later. */
export interface AcceptedMessage {
  row: PersistableEvent;
  original: DeadLetterSource;
}

export interface DecodedBatch {
  accepted: AcceptedMessage[];
  rejected: DeadLetterRecord[];
  legacyCount: number;
}

/** Splits one partition's batch into events to store and records to dead-letter. Pure. */
export function decodeBatch(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  limits: EventLimits,
  service: string,
): DecodedBatch {
  const accepted: AcceptedMessage[] = [];
  const rejected: DeadLetterRecord[] = [];
  let legacyCount = 0;
  for (const message of messages) {
    const original: DeadLetterSource = {
      topic,
      partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: message.headers,
    };
    const result = decodeEventMessage(original, limits);
    if (result.ok) {
      if (result.legacy) legacyCount++;
      accepted.push({ row: { event: result.event, partition, offset: message.offset }, original });
    } else {
      rejected.push(buildDeadLetter(original, result.reasons, DeadLetterStage.Validation, service));
    }
  }
  return { accepted, rejected, legacyCount };
}
