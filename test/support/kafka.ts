import { IHeaders, Kafka, logLevel, Message, Producer } from 'kafkajs';
import { kafkaConnectionFromEnv, kafkaConnectionOptions } from '@app/kafka';
import { kafkaBrokers } from './integration-env';

/** A client of the test broker, with the KAFKA_SSL* / KAFKA_SASL_* settings when it needs them. */
export function testKafka(clientId = 'integration-test'): Kafka {
  return new Kafka({
    clientId,
    ...kafkaConnectionOptions({ ...kafkaConnectionFromEnv(), kafkaBrokers: kafkaBrokers() }),
    logLevel: logLevel.NOTHING,
  });
}

export { deleteTopicsWithPrefix } from '../../tools/infra/scratch-topics';

/** Sends messages in chunks through one idempotent producer. */
export async function produce(
  producer: Producer,
  topic: string,
  messages: Message[],
  chunk = 1000,
): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
  }
}

export interface ReadMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Reads a topic from the beginning with a throwaway group until `count` messages arrived. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 60000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}`,
  });
  const received: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${received.length} of ${count} messages from ${topic} in ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          received.push({
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
          });
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

export const headerText = (headers: IHeaders, name: string): string | undefined => {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
};
