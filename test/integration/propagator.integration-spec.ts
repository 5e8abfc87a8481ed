import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumer, Kafka } from 'kafkajs';
import {
  decodeEventMessage,
  DEFAULT_EVENT_LIMITS,
  NormalizedEvent,
  randomEventIds,
  Topic,
  topicName,
} from '@app/contracts';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, ReadMessage, readTopic, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { startPropagator } from '../support/propagator';

const HOST_METRIC_TYPES = [
  'host.cpu.usage',
  'host.memory.used_percent',
  'host.disk.used_percent',
  'host.load.1m',
  'host.load.5m',
  'host.load.15m',
];

type Received = Pick<ReadMessage, 'partition' | 'offset' | 'key' | 'value'>;

function decode(topic: string, { partition, offset, key, value }: Received): NormalizedEvent {
  const result = decodeEventMessage(
    { topic, partition, offset, key, value, timestamp: String(Date.now()) },
    DEFAULT_EVENT_LIMITS,
    randomEventIds,
  );
  if (!result.ok) throw new Error(`invalid event: ${result.reasons.join('; ')}`);
  expect(result.legacy).toBe(false);
  return result.event;
}

async function topicExists(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** Messages in the topic, from its offsets: what was written, duplicates included. */
async function messagesIn(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The compiled propagator against the real broker: exact counts, keys, graceful stop. */
describe('propagator', () => {
  let kafka: Kafka;
  let prefix: string;
  let topic: string;
  let app: AppHarness | undefined;

  beforeEach(() => {
    kafka = testKafka();
    prefix = `it-${uniqueSuffix()}-`;
    topic = topicName(Topic.Events, prefix);
  });

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await deleteTopicsWithPrefix(kafka, prefix);
  });

  function start(args: string[], env: Record<string, string> = {}): AppHarness {
    app = startPropagator(prefix, args, env);
    return app;
  }

  it('publishes exactly --count events as fast as it can, keyed by source, then exits 0', async () => {
    const propagator = start(['--rate', '0', '--count', '5000', '--sources', '7']);
    expect(await propagator.waitForExit()).toBe(0);
    expect(propagator.output()).toMatch(/completed: generated 5000, published 5000 events in/);

    // Exactly 5000 written: no duplicate from a retry, none missing.
    expect(await messagesIn(kafka, topic)).toBe(5000);
    const messages = await readTopic(kafka, topic, 5000);
    const events = messages.map((message) => decode(topic, message));

    const sources = Array.from({ length: 7 }, (_, i) => `client-${i + 1}`);
    expect(new Set(messages.map((m) => m.key?.toString()))).toEqual(new Set(sources));
    expect(new Set(events.map((e) => e.id)).size).toBe(5000);
    const perSource = new Map<string, ReadMessage[]>();
    messages.forEach((message, i) => {
      expect(message.key?.toString()).toBe(events[i].source);
      perSource.set(events[i].source, [...(perSource.get(events[i].source) ?? []), message]);
    });
    for (const [source, own] of perSource) {
      // Sources take turns: 5000 over 7 is 714 or 715 each.
      expect(own.length).toBeGreaterThanOrEqual(714);
      expect(own.length).toBeLessThanOrEqual(715);
      // One partition per source, so its events stay in order for consumers.
      expect(new Set(own.map((m) => m.partition))).toEqual(new Set([own[0].partition]));
      const times = own
        .sort((a, b) => Number(a.offset) - Number(b.offset))
        .map((m) => decode(topic, m).occurredAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(source).toMatch(/^client-[1-7]$/);
    }
    // Templates drawn by weight: the heavy ones show up, every event type is from the file.
    const types = new Set(events.map((e) => e.type));
    expect(types).toContain('order.created');
    expect(types).toContain('login.failure');
    expect([...types].every((type) => !type.startsWith('host.'))).toBe(true);
  });

  it('runs sources and host metrics until SIGTERM, then flushes everything and exits 0', async () => {
    const propagator = start(['--interval-ms', '100', '--host-metrics-interval-ms', '300']);
    const url = await baseUrlOf(propagator);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', info: { kafka: { status: 'up' } } });

    const received: NormalizedEvent[] = [];
    const reader: Consumer = kafka.consumer({ groupId: `${prefix}reader` });
    await eventually(async () => expect(await topicExists(kafka, topic)).toBe(true));
    await reader.connect();
    try {
      await reader.subscribe({ topic, fromBeginning: true });
      await reader.run({
        eachMessage: ({ partition, message }) => {
          received.push(decode(topic, { partition, ...message }));
          return Promise.resolve();
        },
      });
      await eventually(
        () => {
          const types = new Set(received.map((e) => e.type));
          for (const type of HOST_METRIC_TYPES) expect(types).toContain(type);
          expect(new Set(received.map((e) => e.source)).size).toBeGreaterThanOrEqual(8);
          expect(received.filter((e) => !e.type.startsWith('host.')).length).toBeGreaterThan(50);
        },
        { timeoutMs: 60000 },
      );
    } finally {
      await reader.disconnect();
    }
    const hostEvents = received.filter((e) => e.type.startsWith('host.'));
    for (const event of hostEvents) {
      expect(typeof event.value).toBe('number');
      expect(event.value).toBeGreaterThanOrEqual(0);
    }
    expect(await scrapeMetric(url, 'eventmon_propagator_events_published_total')).toBeGreaterThan(
      50,
    );
    expect(
      await scrapeMetric(url, 'eventmon_propagator_events_published_total', {
        type: 'host.cpu.usage',
      }),
    ).toBeGreaterThanOrEqual(1);
    // The same readings as gauges, labelled as the events are sourced (and by the disk's path).
    const host = hostEvents[0].source;
    const disk = hostEvents.find((e) => e.type === 'host.disk.used_percent');
    const mount = String((disk?.payload as { path?: unknown } | null)?.path);
    const percents = [
      await scrapeMetric(url, 'eventmon_host_cpu_percent', { host }),
      await scrapeMetric(url, 'eventmon_host_memory_percent', { host }),
      await scrapeMetric(url, 'eventmon_host_disk_percent', { host, mount }),
    ];
    for (const percent of percents) {
      expect(percent).toBeGreaterThanOrEqual(0);
      expect(percent).toBeLessThanOrEqual(100);
    }
    for (const load of ['load1', 'load5', 'load15']) {
      expect(await scrapeMetric(url, `eventmon_host_${load}`, { host })).toBeGreaterThanOrEqual(0);
    }

    const stopping = Date.now();
    await propagator.stop();
    expect(await propagator.waitForExit()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
    const summary = /stopped: published (\d+) events in .* 0 dropped, 0 unsent/.exec(
      propagator.output(),
    );
    expect(summary).not.toBeNull();
    // Everything it counted as published is on the broker: nothing was left in a buffer.
    expect(await messagesIn(kafka, topic)).toBe(Number(summary![1]));
  });

  it('stops a load run on SIGTERM: the workers flush, and what it reports is on the broker', async () => {
    const propagator = start(['--rate', '3000', '--workers', '2']);
    await eventually(() => expect(propagator.output()).toMatch(/published [1-9]\d* events in/), {
      timeoutMs: 30000,
    });
    await propagator.stop();
    expect(await propagator.waitForExit()).toBe(0);
    const summary =
      /stopped: generated (\d+), published (\d+) events in .* 0 dropped, 0 unsent/.exec(
        propagator.output(),
      );
    expect(summary).not.toBeNull();
    expect(summary![2]).toBe(summary![1]);
    expect(await messagesIn(kafka, topic)).toBe(Number(summary![2]));
  });

  it('refuses a bad events file at start-up, naming the template and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propagator-'));
    const file = join(dir, 'events.json');
    writeFileSync(
      file,
      JSON.stringify([
        { type: 'login.failure', severity: 'medium' },
        { type: 'payment exception', severity: 'urgent', payload: { n: '{{int:9:1}}' } },
      ]),
    );
    const propagator = start([], { PROPAGATOR_EVENTS_FILE: file });
    expect(await propagator.waitForExit()).toBe(1);
    const output = propagator.output();
    expect(output).toContain('Invalid PropagatorConfig configuration');
    expect(output).toContain(`events file ${file}: templates[1].type may contain only letters`);
    expect(output).toContain(
      'templates[1].severity must be one of low, medium, high, critical, got the string "urgent"',
    );
    expect(output).toContain('templates[1].payload.n: placeholder {{int:9:1}} has MIN 9');
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('refuses unknown options and bad values with one clear message', async () => {
    const propagator = start(['--rat', '5', '--count', 'many']);
    expect(await propagator.waitForExit()).toBe(1);
    expect(propagator.output()).toContain('unknown option --rat (see --help for the list)');

    const badValue = start(['--count', '0', '--interval-ms', 'soon']);
    expect(await badValue.waitForExit()).toBe(1);
    expect(badValue.output()).toMatch(/--count: .*count must not be less than 1/);
    expect(badValue.output()).toMatch(/--interval-ms: .*intervalMs must be an integer number/);
  });
});
