import { KafkaMessage } from 'kafkajs';
import {
  buildDeadLetter,
  DeadLetterRecord,
  DeadLetterSource,
  DeadLetterStage,
} from '@app/contracts';
import { AcceptedMessage, BatchPipeline, MessageDecoding } from '../pipelines/batch-pipeline';

export interface DecodedBatch<Row> {
  accepted: AcceptedMessage<Row>[];
  /** Every message to dead-letter: invalid ones, and those whose decoding threw. */
  rejected: DeadLetterRecord[];
  /** How many of `rejected` threw while decoding (stage decode). */
  undecodable: number;
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
  let undecodable = 0;
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
    let result: MessageDecoding<Row>;
    try {
      result = pipeline.decode(original);
    } catch (error) {
      // Thrown out of the batch loop, one message would stop the partition for good (the
      // same offset fails on every retry): it is dead-lettered with the error instead.
      undecodable++;
      rejected.push(buildDeadLetter(original, [String(error)], DeadLetterStage.Decode, service));
      continue;
    }
    if (result.ok) {
      accepted.push({ row: result.row, original });
    } else {
      rejected.push(buildDeadLetter(original, result.reasons, DeadLetterStage.Validation, service));
    }
  }
  return { accepted, rejected, undecodable };
}
