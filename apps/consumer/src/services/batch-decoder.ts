import { KafkaMessage } from 'kafkajs';
import {
  buildDeadLetter,
  DeadLetterRecord,
  DeadLetterSource,
  DeadLetterStage,
} from '@app/contracts';
import { AcceptedMessage, BatchPipeline } from '../pipelines/batch-pipeline';

export interface DecodedBatch<Row> {
  accepted: AcceptedMessage<Row>[];
  rejected: DeadLetterRecord[];
}

/** Splits one partition's batch into rows to store and records to dead-letter. Pure. */
export function decodeBatch<Row>(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  pipeline: Pick<BatchPipeline<Row>, 'decode'>,
  service: string,
): DecodedBatch<Row> {
  const accepted: AcceptedMessage<Row>[] = [];
  const rejected: DeadLetterRecord[] = [];
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
    const result = pipeline.decode(original);
    if (result.ok) {
      accepted.push({ row: result.row, original });
    } else {
      rejected.push(buildDeadLetter(original, result.reasons, DeadLetterStage.Validation, service));
    }
  }
  return { accepted, rejected };
}
