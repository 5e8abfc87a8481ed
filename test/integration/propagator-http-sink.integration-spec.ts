import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { uniqueSuffix } from '../support/integration-env';
import { deleteTopicsWithPrefix, testKafka } from '../support/kafka';
import { scrapeMetric } from '../support/metrics';
import { startPropagator } from '../support/propagator';

/** The original Python propagator's events file, as it was: a plain list. */
const ORIGINAL_EVENTS = [
  { event_type: 'user.login', event_payload: 'user 7 logged in from 203.0.113.7' },
  { event_type: 'disk.alert', event_payload: 'disk /var at 91%' },
];

function writeFiles(config: (eventsFile: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'propagator-http-'));
  const eventsFile = join(dir, 'events.json');
  writeFileSync(eventsFile, JSON.stringify(ORIGINAL_EVENTS));
  const configFile = join(dir, 'propagator_config.yaml');
  writeFileSync(configFile, config(eventsFile));
  return configFile;
}

/**
 * The propagator's http sink end to end: the real gateway takes its POSTs on the original
 * consumer's /event route and publishes them, the real consumer stores them.
 */
describe('propagator: http sink into the gateway', () => {
  const prefix = `it-httpsink-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let consumer: AppHarness;
  let propagator: AppHarness | undefined;

  beforeAll(async () => {
    db = await createScratchDatabase('httpsink');
    gateway = await startGateway(prefix, db.url);
    consumer = startConsumer(prefix, db.url);
  });
  afterAll(async () => {
    await consumer?.stop();
    await gateway?.app.stop();
    await db?.drop();
    await deleteTopicsWithPrefix(testKafka(), prefix);
  });
  afterEach(async () => {
    await propagator?.stop();
    propagator = undefined;
  });

  function start(configFile: string, args: string[], apiKey: string): AppHarness {
    // The broker only feeds its health check: the http sink itself never touches Kafka.
    propagator = startPropagator(prefix, ['--config', configFile, ...args], {
      PROPAGATOR_API_KEY: apiKey,
    });
    return propagator;
  }

  it('runs the original config and events files unchanged: rows land in PostgreSQL', async () => {
    const configFile = writeFiles(
      (eventsFile) => `interval_seconds: 0.1
api_endpoint: "${gateway.url}/event"
events_file: "${eventsFile}"
`,
    );
    const app = start(configFile, [], TEST_KEYS.ingest);
    const url = await baseUrlOf(app);
    expect(app.output()).toContain(
      `publishing to POST ${gateway.url}/event: rate mode, 10 events/s`,
    );

    const rows = await eventually(
      async () => {
        const found = await db.query<{ type: string; payload: unknown; severity: string }>(
          'SELECT type, payload, severity FROM events',
        );
        expect(new Set(found.map((row) => row.type))).toEqual(
          new Set(['user.login', 'disk.alert']),
        );
        return found;
      },
      { timeoutMs: 60000 },
    );
    for (const row of rows) {
      const original = ORIGINAL_EVENTS.find((event) => event.event_type === row.type);
      expect(row.payload).toBe(original?.event_payload);
      expect(row.severity).toBe('low');
    }
    // Load workers report their counts to the main thread's metrics every 250 ms.
    const publishedOf = (type: string) =>
      scrapeMetric(url, 'eventmon_propagator_events_published_total', { type });
    await eventually(async () =>
      expect(
        (await publishedOf('user.login')) + (await publishedOf('disk.alert')),
      ).toBeGreaterThanOrEqual(rows.length),
    );
    expect(await scrapeMetric(url, 'eventmon_propagator_send_errors_total')).toBe(0);
  });

  it('counts the refusals of a wrong API key, stores nothing, and keeps running', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0].n;
    const configFile = writeFiles(
      (eventsFile) => `interval_seconds: 0.1
events_file: "${eventsFile}"
`,
    );
    const app = start(
      configFile,
      ['--sink', 'http', '--endpoint', `${gateway.url}/event`],
      'not-a-known-key-0123456789',
    );
    const url = await baseUrlOf(app);
    await eventually(async () =>
      expect(
        await scrapeMetric(url, 'eventmon_propagator_send_errors_total'),
      ).toBeGreaterThanOrEqual(5),
    );
    expect(app.running).toBe(true);
    expect(app.output()).toMatch(/send of 1 events failed, dropped: POST .*\/event answered 401/);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    // Give the consumer time to store anything that did get through: nothing should have.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0].n;
    expect(after).toBe(before);
    await app.stop();
    expect(await app.waitForExit()).toBe(0);
    expect(app.output()).toMatch(/stopped: generated \d+, published 0 events .* \d+ failed sends/);
  });
});
