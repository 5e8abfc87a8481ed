import { Consumer, Kafka } from 'kafkajs';
import { ReadMessage } from './kafka';

/**
 * Records everything on a topic from its start while a test runs, so the test can wait for
 * what it expects and then assert there is nothing more (exactly one incident, say).
 */
export class TopicRecorder {
  readonly messages: ReadMessage[] = [];
  private readonly consumer: Consumer;

  private constructor(
    kafka: Kafka,
    readonly topic: string,
  ) {
    this.consumer = kafka.consumer({
      groupId: `recorder-${topic}-${Math.random().toString(36).slice(2)}`,
      maxWaitTimeInMs: 100,
    });
  }

  static async start(kafka: Kafka, topic: string): Promise<TopicRecorder> {
    const recorder = new TopicRecorder(kafka, topic);
    await recorder.consumer.connect();
    await recorder.consumer.subscribe({ topic, fromBeginning: true });
    await recorder.consumer.run({
      eachMessage: ({ partition, message }) => {
        recorder.messages.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
        return Promise.resolve();
      },
    });
    return recorder;
  }

  /** Values parsed as JSON, in arrival order. */
  json<T>(): T[] {
    return this.messages.map((m) => JSON.parse(String(m.value)) as T);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
