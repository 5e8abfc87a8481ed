import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APPS, AppName } from '../../tools/stack/app-process';
import { repoRoot } from '../../tools/stack/repo-root';
import { LocalKafkaBroker } from '../../tools/infra/kafka-broker';
import { freePort } from '../../tools/infra/ports';
import { AppHarness, baseUrlOf } from '../support/app-harness';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { callApi, TEST_KEYS } from '../support/gateway';

const ROUNDS = 3;
// Broker start (up to 90 s on a loaded machine) plus the services' bounded waits below.
const ROUND_TIMEOUT_MS = 330_000;

/**
 * What a newcomer's first `npm start` does: all four services started at the same moment
 * against a broker that has never seen a topic. Every one must come up healthy, quietly, and
 * carry an event end to end, round after round.
 */
describe('cold first start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventmon-cold-start-'));
  // A broker of this test's own (never the shared test broker), so every round starts on a
  // brand-new cluster: no topics, no __consumer_offsets, no group coordinator yet. Its ports
  // are free ones: a fixed port can be held by any process, even as the local end of a connection.
  let broker: LocalKafkaBroker;
  beforeAll(async () => {
    broker = new LocalKafkaBroker({
      port: await freePort(),
      controllerPort: await freePort(),
      dataDir,
      heapMb: 256,
    });
  });
  let apps: AppHarness[] = [];
  let db: ScratchDatabase | undefined;

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    apps = [];
    await db?.drop();
    db = undefined;
    await broker?.stop();
  });

  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  function startAll(databaseUrl: string): Map<AppName, AppHarness> {
    // The same settings `npm start` gives the services (tools/stack/cli.ts up), on free ports.
    const env: Record<string, string> = {
      KAFKA_BROKERS: broker.brokers,
      DATABASE_URL: databaseUrl,
      HTTP_HOST: '127.0.0.1',
      ALERTING_RULES_FILE: path.join(repoRoot(), 'apps', 'alerting', 'rules.sample.yaml'),
      API_KEYS: `${TEST_KEYS.ingest}=ingest`,
      ...Object.fromEntries(APPS.map((name) => [`${name.toUpperCase()}_PORT`, '0'])),
    };
    const started = new Map(APPS.map((name) => [name, new AppHarness(name, env)] as const));
    for (const app of started.values()) app.start();
    apps = [...started.values()];
    return started;
  }

  for (let round = 1; round <= ROUNDS; round++) {
    it(
      `round ${round}: all four services start together on a brand-new broker, healthy and quiet`,
      async () => {
        fs.rmSync(path.join(dataDir, 'data'), { recursive: true, force: true });
        await broker.start();
        db = await createScratchDatabase('cold_start');
        const started = startAll(db.url);

        const urls = new Map<AppName, string>();
        for (const [name, app] of started) urls.set(name, await baseUrlOf(app, 90000));
        for (const [name, url] of urls) {
          await eventually(
            async () => {
              const response = await fetch(`${url}/health`);
              expect({ name, status: response.status }).toEqual({ name, status: 200 });
            },
            { timeoutMs: 60000 },
          );
        }

        const posted = await callApi(urls.get('gateway')!, 'ingest', 'POST', '/api/events', {
          type: 'cold.start',
          source: `round-${round}`,
          severity: 'low',
        });
        expect(posted.status).toBe(202);
        const id = (posted.body as { ids: string[] }).ids[0];
        await eventually(
          async () =>
            expect(await db!.query('SELECT id FROM events WHERE id = $1', [id])).toHaveLength(1),
          { timeoutMs: 60000 },
        );

        for (const [name, app] of started) {
          expect({ name, running: app.running }).toEqual({ name, running: true });
          const errors = app.lines.filter((line) => line.includes('"level":"error"'));
          expect({ name, errors }).toEqual({ name, errors: [] });
        }
      },
      ROUND_TIMEOUT_MS,
    );
  }
});
