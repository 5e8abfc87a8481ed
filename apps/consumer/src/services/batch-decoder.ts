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
    // Short-lived: an accepted message keeps the Kafka message (which kafkajs holds until the
    // batch ends anyway) and makes its source again only if the database refuses its row.
    const source = deadLetterSource(topic, partition, message);
    let result: MessageDecoding<Row>;
    try {
      result = pipeline.decode(source);
    } catch (error) {
      // Thrown out of the batch loop, one message would stop the partition for good (the
      // same offset fails on every retry): it is dead-lettered with the error instead.
      undecodable++;
      rejected.push(buildDeadLetter(source, [String(error)], DeadLetterStage.Decode, service));
      continue;
    }
    if (result.ok) {
      accepted.push(new AcceptedKafkaMessage(result.row, topic, partition, message));
    } else {
      rejected.push(buildDeadLetter(source, result.reasons, DeadLetterStage.Validation, service));
    }
  }
  return { accepted, rejected, undecodable };
}

function deadLetterSource(
  topic: string,
  partition: number,
  message: KafkaMessage,
): DeadLetterSource {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headers,
  };
}

/**
 * An accepted message is held until its batch is stored, a few hundred ms in which the
 * young generation is collected many times: whatever it references is promoted to the old
 * generation, to be collected there at a higher cost. One object per message, the source
 * made on demand.
 */
class AcceptedKafkaMessage<Row> implements AcceptedMessage<Row> {
  constructor(
    readonly row: Row,
    private readonly topic: string,
    private readonly partition: number,
    private readonly message: KafkaMessage,
  ) {}

  get original(): DeadLetterSource {
    return deadLetterSource(this.topic, this.partition, this.message);
  }
}
