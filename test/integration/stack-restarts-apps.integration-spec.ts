import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { APPS, AppName } from '../../tools/stack/app-process';
import { freePort } from '../../tools/infra/ports';
import { repoRoot } from '../../tools/stack/repo-root';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { callApi, TEST_KEYS } from '../support/gateway';
import { kafkaBrokers, testEventIdSecret, uniqueSuffix } from '../support/integration-env';

/** Start-up of four apps on a loaded two-core machine, and the consumer's restart after its kill. */
const START_BOUND_MS = 90_000;
const RESTART_BOUND_MS = 45_000;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `npm start` as a user runs it (tools/stack/cli.ts up, here on the test broker and a scratch
 * database), then `kill -9` of one app mid-stream: the stack must bring that app back and keep
 * the others running, instead of stopping everything.
 */
describe('npm start restarts an app that dies', () => {
  const prefix = `stack-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let stack: ChildProcess;
  const lines: string[] = [];
  const ports = new Map<AppName, number>();

  beforeAll(async () => {
    db = await createScratchDatabase('stack_restart');
    for (const name of APPS) ports.set(name, await freePort());
    stack = spawn(process.execPath, [join(repoRoot(), 'dist', 'tools', 'stack', 'cli.js'), 'up'], {
      cwd: repoRoot(),
      env: {
        ...process.env,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        DATABASE_URL: db.url,
        KAFKA_TOPIC_PREFIX: prefix,
        CONSUMER_GROUP_ID: `${prefix}consumer`,
        ALERTING_GROUP_ID: `${prefix}alerting`,
        ALERTING_DISPATCH_GROUP_ID: `${prefix}dispatch`,
        API_KEYS: `${TEST_KEYS.admin}=admin,${TEST_KEYS.ingest}=ingest`,
        EVENT_ID_SECRET: testEventIdSecret(),
        HTTP_HOST: '127.0.0.1',
        ...Object.fromEntries(
          APPS.map((name) => [`${name.toUpperCase()}_PORT`, `${ports.get(name)}`]),
        ),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [stack.stdout!, stack.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => lines.push(line));
    }
  });
  afterAll(async () => {
    if (stack.exitCode === null && stack.signalCode === null) {
      stack.kill('SIGKILL');
      // Apps run in their own process groups: take them down too.
      for (const pid of startedPids()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await db?.drop();
  });

  const output = () => lines.join('\n');
  function startedPids(name?: AppName): number[] {
    const pattern = new RegExp(`\\[stack\\] (${name ?? '\\w+'}) started \\(pid (\\d+)\\)`, 'g');
    return [...output().matchAll(pattern)].map((match) => Number(match[2]));
  }
  const health = (name: AppName) =>
    fetch(`http://127.0.0.1:${ports.get(name)}/health`, { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.status,
      () => 0,
    );

  it(
    'brings a SIGKILLed consumer back, keeps the others, and stores events again',
    async () => {
      for (const name of APPS) {
        await eventually(
          async () => expect({ name, status: await health(name) }).toEqual({ name, status: 200 }),
          {
            timeoutMs: START_BOUND_MS,
          },
        );
      }
      const [consumerPid] = startedPids('consumer');
      const othersBefore = APPS.filter((name) => name !== 'consumer').map((name) =>
        startedPids(name),
      );

      process.kill(consumerPid, 'SIGKILL');

      await eventually(() => expect(startedPids('consumer')).toHaveLength(2), {
        timeoutMs: RESTART_BOUND_MS,
      });
      expect(output()).toContain('consumer was killed by SIGKILL; restarting it in 1 s');
      const [, restartedPid] = startedPids('consumer');
      expect(restartedPid).not.toBe(consumerPid);
      await eventually(async () => expect(await health('consumer')).toBe(200), {
        timeoutMs: RESTART_BOUND_MS,
      });
      // Nothing else was restarted and the stack itself is still up.
      expect(APPS.filter((name) => name !== 'consumer').map((name) => startedPids(name))).toEqual(
        othersBefore,
      );
      expect(stack.exitCode).toBeNull();
      expect(output()).not.toContain('stopping the stack');

      // The restarted consumer stores what the gateway accepts.
      const gateway = `http://127.0.0.1:${ports.get('gateway')}`;
      const id = randomUUID();
      const accepted = await callApi(gateway, 'ingest', 'POST', '/api/events', {
        id,
        type: 'stack.restart',
        source: 'stack-test',
        severity: 'low',
        payload: {},
      });
      expect(accepted.status).toBe(202);
      await eventually(
        async () =>
          expect((await callApi(gateway, 'admin', 'GET', `/api/events/${id}`)).status).toBe(200),
        { timeoutMs: RESTART_BOUND_MS },
      );
    },
    START_BOUND_MS + 4 * RESTART_BOUND_MS,
  );

  it('stops every app and exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) =>
      stack.once('exit', (code) => resolve(code)),
    );
    stack.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 60_000)),
    ]);
    expect(code).toBe(0);
    const lastRuns = APPS.map((name) => startedPids(name).at(-1)!);
    expect(lastRuns.filter(isAlive)).toEqual([]);
  }, 70_000);
});
