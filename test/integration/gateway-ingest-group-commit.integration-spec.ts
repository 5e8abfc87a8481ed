import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topic, topicName } from '@app/contracts';
import { LocalKafkaBroker } from '../../tools/infra/kafka-broker';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { callApi, RunningGateway, startGateway } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { readTopic, testKafka } from '../support/kafka';
import { startOwnBroker } from '../support/own-broker';

/** Every HTTP answer of the load must come within this; none may hang on an outage. */
const ANSWER_BOUND_MS = 30_000;

interface Sent {
  /** The tags of the events the request carried (each event's payload names its own). */
  tags: string[];
  status: number;
  retryAfter: string | null;
}

/**
 * `clients` clients, each sending requests back to back until `until()` says stop: in turn one
 * event, five events in one array, and one legacy `POST /event`. Every event is tagged, so the
 * topic shows which request's events it holds.
 */
async function load(
  gateway: RunningGateway,
  clients: number,
  until: (sentByClient: number) => boolean,
): Promise<Sent[]> {
  const sent: Sent[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; !until(n); n++) {
        const tag = (i: number) => `c${client}-r${n}-e${i}`;
        const event = (i: number) => ({
          type: 'load.test',
          source: `c${client}`,
          payload: { tag: tag(i) },
        });
        const [route, body, tags] =
          n % 3 === 0
            ? ['/api/events', event(0), [tag(0)]]
            : n % 3 === 1
              ? ['/api/events', [0, 1, 2, 3, 4].map(event), [0, 1, 2, 3, 4].map(tag)]
              : ['/event', { event_type: 'load.legacy', event_payload: tag(0) }, [tag(0)]];
        const answer = await callApi(
          gateway.url,
          'ingest',
          'POST',
          route,
          body,
          {},
          ANSWER_BOUND_MS,
        );
        sent.push({ tags, status: answer.status, retryAfter: answer.headers.get('retry-after') });
      }
    }),
  );
  return sent;
}

/** The tag of a published event: its payload's, or the legacy event's payload itself. */
function tagOf(value: Buffer | null): string {
  const event = JSON.parse(String(value)) as { payload: { tag?: string } | string };
  return typeof event.payload === 'string' ? event.payload : event.payload.tag!;
}

/** Every message on the topic now (its log end offsets say how many to read), by tag. */
async function tagsOnTopic(kafka: Kafka, topic: string): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const count = offsets.reduce((sum, { high }) => sum + Number(high), 0);
  const counts = new Map<string, number>();
  for (const { value } of await readTopic(kafka, topic, count)) {
    counts.set(tagOf(value), (counts.get(tagOf(value)) ?? 0) + 1);
  }
  return counts;
}

const acceptedStatus = (route: Sent) => route.status === 202 || route.status === 200;

describe('gateway: concurrent ingest shares produce requests (group commit)', () => {
  describe('with the broker up', () => {
    const prefix = `gw-group-${uniqueSuffix()}-`;
    let db: ScratchDatabase;
    let gateway: RunningGateway;

    beforeAll(async () => {
      db = await createScratchDatabase('gwgroup');
      gateway = await startGateway(prefix, db.url, {
        GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
        // Small batches, so that the load fills many and ends some at the count bound.
        GATEWAY_INGEST_BATCH_MAX_MESSAGES: '20',
      });
    });
    afterAll(async () => {
      await gateway?.app.stop();
      await db?.drop();
    });

    it('puts every accepted event on the topic exactly once, and nothing else', async () => {
      const sent = await load(gateway, 24, (n) => n >= 30);

      expect(sent.filter((s) => !acceptedStatus(s))).toEqual([]);
      const onTopic = await tagsOnTopic(testKafka(), topicName(Topic.Events, prefix));
      const expected = sent.flatMap((s) => s.tags);
      expect(expected).toHaveLength(24 * 10 * (1 + 5 + 1));
      expect([...onTopic.keys()].sort()).toEqual([...expected].sort());
      expect([...onTopic].filter(([, copies]) => copies !== 1)).toEqual([]);
    });
  });

  describe('with the broker killed mid-load', () => {
    const prefix = `gw-group-kill-${uniqueSuffix()}-`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventmon-group-commit-'));
    let broker: LocalKafkaBroker;
    let db: ScratchDatabase;
    let gateway: RunningGateway;

    beforeAll(async () => {
      broker = await startOwnBroker(dataDir);
      db = await createScratchDatabase('gwgroupkill');
      gateway = await startGateway(prefix, db.url, {
        KAFKA_BROKERS: broker.brokers,
        GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000',
        // While a batch hangs on the dead broker, the writes queued behind it reach this bound
        // and are refused at once with Retry-After instead of piling up.
        GATEWAY_INGEST_MAX_QUEUED_BYTES: '4096',
      });
    });
    afterAll(async () => {
      await gateway?.app.stop();
      await broker?.stop();
      await db?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers each request 202 only if its batch was acknowledged, else 503; every 202 event is on the topic', async () => {
      const LOAD_MS = 8_000;
      const KILL_AT_MS = 2_000;
      const started = Date.now();
      const loading = load(gateway, 16, () => Date.now() - started > LOAD_MS);
      await new Promise((resolve) => setTimeout(resolve, KILL_AT_MS));
      await broker.kill();
      const sent = await loading;
      await broker.start();

      const statuses = new Set(sent.map((s) => s.status));
      expect([...statuses].sort()).toEqual([200, 202, 503]);
      // Both kinds of 503: the batch Kafka did not acknowledge, and the queue at its bound.
      const refused = sent.filter((s) => s.status === 503);
      expect(refused.some((s) => s.retryAfter === null)).toBe(true);
      expect(refused.some((s) => s.retryAfter === '1')).toBe(true);
      const kafka = new Kafka({
        clientId: 'group-commit-test',
        brokers: [broker.brokers],
        logLevel: logLevel.NOTHING,
      });
      const onTopic = await tagsOnTopic(kafka, topicName(Topic.Events, prefix));
      const acceptedTags = sent.filter(acceptedStatus).flatMap((s) => s.tags);
      expect(acceptedTags.filter((tag) => !onTopic.has(tag))).toEqual([]);
      // What the broker acknowledged was written once: the producer's retries never doubled it.
      expect(acceptedTags.filter((tag) => onTopic.get(tag) !== 1)).toEqual([]);
      console.log(
        `${sent.length} requests: ${sent.filter(acceptedStatus).length} accepted, ${sent.filter((s) => s.status === 503).length} x 503; ${onTopic.size} events on the topic`,
      );
    });
  });
});
