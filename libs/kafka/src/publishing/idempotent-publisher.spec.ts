import { Logger } from '@nestjs/common';
import {
  CompressionTypes,
  Kafka,
  Partitioners,
  Producer,
  ProducerBatch,
  ProducerConfig,
  ProducerRecord,
} from 'kafkajs';
import { DEFAULT_SEND_RETRIES, IdempotentPublisher } from './idempotent-publisher';

/** A stand-in for a kafkajs producer: records what it is asked, fails when told to. */
class FakeProducer {
  connects = 0;
  disconnects = 0;
  readonly sent: ProducerRecord[] = [];
  readonly sentBatches: ProducerBatch[] = [];
  failConnect: Error | undefined;
  failSend: Error | undefined;

  connect(): Promise<void> {
    this.connects++;
    return this.failConnect ? Promise.reject(this.failConnect) : Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.disconnects++;
    return Promise.resolve();
  }

  send(record: ProducerRecord): Promise<[]> {
    if (this.failSend) return Promise.reject(this.failSend);
    this.sent.push(record);
    return Promise.resolve([]);
  }

  sendBatch(batch: ProducerBatch): Promise<[]> {
    if (this.failSend) return Promise.reject(this.failSend);
    this.sentBatches.push(batch);
    return Promise.resolve([]);
  }
}

/**
 * A Kafka client whose producer() hands out FakeProducers and remembers each config;
 * `prepare` sets up the n-th producer before anyone uses it.
 */
function fakeKafka(prepare: (producer: FakeProducer, index: number) => void = () => undefined) {
  const producers: FakeProducer[] = [];
  const configs: ProducerConfig[] = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      configs.push(config);
      const producer = new FakeProducer();
      prepare(producer, producers.length);
      producers.push(producer);
      return producer as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, producers, configs };
}

const message = (value: string) => ({ key: 'k', value });

describe('IdempotentPublisher', () => {
  let warnings: string[];

  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((line: unknown) => {
      warnings.push(String(line));
    });
  });

  afterEach(() => jest.restoreAllMocks());

  it('writes through an idempotent producer, one request in flight, acknowledged by all in-sync replicas', async () => {
    const { kafka, producers, configs } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });

    await publisher.send('events', [message('a'), message('b')]);

    expect(configs).toEqual([
      {
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: DEFAULT_SEND_RETRIES },
      },
    ]);
    expect(producers[0].sent).toEqual([
      {
        topic: 'events',
        acks: -1,
        compression: CompressionTypes.None,
        messages: [message('a'), message('b')],
      },
    ]);
  });

  it("sends many topics' messages in one batch, acknowledged by all in-sync replicas, replacing the producer when it fails", async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });
    const topicMessages = [
      { topic: 'events', messages: [message('a'), message('b')] },
      { topic: 'rules', messages: [message('c')] },
    ];

    await publisher.sendBatch(topicMessages);
    expect(producers[0].sentBatches).toEqual([
      { acks: -1, compression: CompressionTypes.None, topicMessages },
    ]);

    producers[0].failSend = new Error('broker went away');
    await expect(publisher.sendBatch(topicMessages)).rejects.toThrow('broker went away');
    await publisher.sendBatch(topicMessages);
    expect(producers).toHaveLength(2);
    expect(producers[1].sentBatches).toHaveLength(1);
  });

  it("takes the caller's partitioner and retry bounds", async () => {
    const { kafka, configs } = fakeKafka();
    const partitioner = () => () => 0;
    const publisher = new IdempotentPublisher(kafka, {
      name: 'TestPublisher',
      createPartitioner: partitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
    });

    await publisher.send('events', [message('a')]);

    expect(configs[0].createPartitioner).toBe(partitioner);
    expect(configs[0].retry).toEqual({ retries: 3, initialRetryTime: 200, maxRetryTime: 2000 });
  });

  it('refuses zero retries at construction, which kafkajs would only refuse at the first send', () => {
    const { kafka } = fakeKafka();
    expect(
      () => new IdempotentPublisher(kafka, { name: 'TestPublisher', retry: { retries: 0 } }),
    ).toThrow('TestPublisher: retries must be a positive integer, got 0');
  });

  it('creates no producer until the first send, then connects once for all sends', async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });
    expect(producers).toHaveLength(0);

    await Promise.all([
      publisher.send('events', [message('a')]),
      publisher.send('events', [message('b')]),
    ]);
    await publisher.send('events', [message('c')]);

    expect(producers).toHaveLength(1);
    expect(producers[0].connects).toBe(1);
    expect(producers[0].sent.map((record) => record.messages[0].value)).toEqual(['a', 'b', 'c']);
  });

  it('connects early on connect(), and the sends after it use that connection', async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });

    await publisher.connect();
    expect(producers).toHaveLength(1);
    expect(producers[0].connects).toBe(1);

    await publisher.send('events', [message('a')]);
    expect(producers).toHaveLength(1);
    expect(producers[0].connects).toBe(1);
  });

  it('disconnects a producer whose send failed and sends the next batch through a new one', async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });
    await publisher.send('events', [message('a')]);
    const refused = new Error('broker went away');
    producers[0].failSend = refused;

    await expect(publisher.send('events', [message('b')])).rejects.toBe(refused);
    expect(producers[0].disconnects).toBe(1);

    expect(warnings).toEqual([
      'a send or connect failed (broker went away); the next send starts a new producer',
    ]);

    await publisher.send('events', [message('c')]);
    expect(producers).toHaveLength(2);
    expect(producers[1].connects).toBe(1);
    expect(producers[1].sent.map((record) => record.messages[0].value)).toEqual(['c']);
  });

  it('replaces the producer once when several sends on it fail together', async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });
    await publisher.connect();
    producers[0].failSend = new Error('broker went away');

    const results = await Promise.allSettled([
      publisher.send('events', [message('a')]),
      publisher.send('events', [message('b')]),
    ]);
    await publisher.send('events', [message('c')]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(producers[0].disconnects).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(producers).toHaveLength(2);
  });

  it('forgets a failed connect, so the next send connects afresh', async () => {
    const unreachable = new Error('connection refused');
    // The first producer's connect fails; the replacement's succeeds.
    const { kafka, producers } = fakeKafka((producer, index) => {
      if (index === 0) producer.failConnect = unreachable;
    });
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });

    await expect(publisher.send('events', [message('a')])).rejects.toBe(unreachable);
    expect(producers[0].disconnects).toBe(1);
    expect(producers[0].sent).toEqual([]);

    await publisher.send('events', [message('b')]);
    expect(producers).toHaveLength(2);
    expect(producers[1].sent.map((record) => record.messages[0].value)).toEqual(['b']);
  });

  it('refuses sends after disconnect, naming the publisher, and creates no new producer', async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });
    await publisher.send('events', [message('a')]);

    await publisher.disconnect();
    expect(producers[0].disconnects).toBe(1);

    await expect(publisher.send('events', [message('b')])).rejects.toThrow(
      'TestPublisher is disconnected; nothing more can be sent',
    );
    await expect(publisher.connect()).rejects.toThrow('TestPublisher is disconnected');
    expect(producers).toHaveLength(1);
    expect(producers[0].sent).toHaveLength(1);
  });

  it('disconnects without ever having connected, creating no producer', async () => {
    const { kafka, producers } = fakeKafka();
    const publisher = new IdempotentPublisher(kafka, { name: 'TestPublisher' });

    await publisher.disconnect();

    expect(producers).toHaveLength(0);
  });
});
