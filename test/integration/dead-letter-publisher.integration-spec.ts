import { Kafka } from 'kafkajs';
import {
  buildDeadLetter,
  DeadLetterHeader,
  DeadLetterStage,
  Topic,
  topicName,
} from '@app/contracts';
import { ensureTopics } from '@app/kafka';
import { DeadLetterPublisher } from '../../apps/consumer/src/dead-letters/dead-letter.publisher';
import { uniqueSuffix } from '../support/integration-env';
import {
  deleteTopicsWithPrefix,
  headerText,
  readTopic,
  setMaxMessageBytes,
  testKafka,
} from '../support/kafka';

/** Dead letters larger than the DLQ topic's max.message.bytes, against the real broker. */
describe('dead-letter publisher: records over the topic size limit', () => {
  const MAX_BYTES = 20_000;
  let kafka: Kafka;
  let prefix: string;
  let publisher: DeadLetterPublisher;

  beforeEach(async () => {
    prefix = `it-${uniqueSuffix()}-`;
    kafka = testKafka();
    await ensureTopics(kafka, [Topic.EventsDlq], { prefix });
    await setMaxMessageBytes(kafka, topicName(Topic.EventsDlq, prefix), MAX_BYTES);
    publisher = new DeadLetterPublisher(kafka);
  });

  afterEach(async () => {
    await publisher.onApplicationShutdown();
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  function deadLetter(offset: number, bytes: number) {
    return buildDeadLetter(
      {
        topic: topicName(Topic.Events, prefix),
        partition: 0,
        offset: String(offset),
        timestamp: '1',
        // One key: the whole batch goes to one partition, as one record batch.
        key: Buffer.from('same-key'),
        value: Buffer.alloc(bytes, String(offset % 10)),
        headers: { 'x-offset': String(offset) },
      },
      [`rejected ${offset}`],
      DeadLetterStage.Validation,
      'consumer/test',
    );
  }

  /** A refused send used to be retried for ever by the caller: the test bounds the wait. */
  async function publishWithin(ms: number, records: ReturnType<typeof deadLetter>[]) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`publish did not finish in ${ms} ms`)), ms);
    });
    try {
      await Promise.race([publisher.publish(topicName(Topic.EventsDlq, prefix), records), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('sends a batch too large as a whole one record at a time, and truncates a record too large alone', async () => {
    // Five records of 6,000 bytes: each fits, the batch (30,000 bytes) does not.
    const fitting = [0, 1, 2, 3, 4].map((offset) => deadLetter(offset, 6_000));
    const oversized = deadLetter(5, 50_000);
    await publishWithin(30_000, [...fitting, oversized]);

    const dlq = await readTopic(kafka, topicName(Topic.EventsDlq, prefix), 6, 30_000);
    const byOffset = (offset: number) =>
      dlq.find((r) => headerText(r.headers, DeadLetterHeader.OriginalOffset) === String(offset))!;
    for (const record of fitting) {
      const offset = Number(record.headers[DeadLetterHeader.OriginalOffset]);
      const stored = byOffset(offset);
      expect(Buffer.compare(stored.value!, record.value!)).toBe(0);
      expect(headerText(stored.headers, DeadLetterHeader.Truncated)).toBeUndefined();
    }
    const cut = byOffset(5);
    expect(headerText(cut.headers, DeadLetterHeader.Truncated)).toBe('true');
    expect(headerText(cut.headers, DeadLetterHeader.OriginalSize)).toBe('50000');
    expect(headerText(cut.headers, DeadLetterHeader.Reason)).toBe('rejected 5');
    expect(headerText(cut.headers, 'x-offset')).toBe('5');
    expect(cut.value!.length).toBeGreaterThan(MAX_BYTES - 1_000);
    expect(cut.value!.length).toBeLessThan(MAX_BYTES);
    expect(Buffer.compare(cut.value!, oversized.value!.subarray(0, cut.value!.length))).toBe(0);
  });
});
