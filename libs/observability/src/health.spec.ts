import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { HEALTH_CHECKS, HealthController } from './health';

/** Counts the dependency pings behind /health; `up` says what the dependency answers. */
class CountingDependency {
  pings = 0;
  up = true;
}

async function startApp(
  dependency: CountingDependency,
): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [TerminusModule],
    controllers: [HealthController],
    providers: [
      {
        provide: HEALTH_CHECKS,
        inject: [HealthIndicatorService],
        useFactory: (health: HealthIndicatorService) => [
          async () => {
            dependency.pings++;
            // A real ping takes a round trip: callers arriving meanwhile must share it.
            await new Promise((resolve) => setTimeout(resolve, 50));
            const indicator = health.check('database');
            return dependency.up ? indicator.up() : indicator.down({ message: 'refused' });
          },
        ],
      },
    ],
  })
  class HealthTestModule {}
  const app = await NestFactory.create(HealthTestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

describe('HealthController', () => {
  let app: INestApplication;
  let url: string;
  const dependency = new CountingDependency();

  beforeEach(async () => {
    dependency.pings = 0;
    dependency.up = true;
    ({ app, url } = await startApp(dependency));
  });

  afterEach(() => app.close());

  it('answers 40 concurrent readiness calls, and more right after, with one dependency ping', async () => {
    const paths = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? '/health' : '/health/ready'));
    const responses = await Promise.all(paths.map((path) => fetch(`${url}${path}`)));
    // And a few more, one after the other, while the answer is still fresh (1.5 s).
    for (let i = 0; i < 5; i++) responses.push(await fetch(`${url}/health/ready`));

    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect(dependency.pings).toBe(1);
    expect(await responses[0].json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
    });
  });

  it('shares a failed check too: every caller gets 503, the dependency is asked once', async () => {
    dependency.up = false;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${url}/health/ready`)),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 503));
    expect(dependency.pings).toBe(1);
    expect(await responses[0].json()).toMatchObject({
      status: 'error',
      error: { database: { status: 'down', message: 'refused' } },
    });
  });

  it('asks the dependency again once the cached answer is older than 1.5 s', async () => {
    await fetch(`${url}/health`);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    dependency.up = false;
    expect((await fetch(`${url}/health`)).status).toBe(503);
    expect(dependency.pings).toBe(2);
  });

  it('answers /health/live with 200 and no dependency I/O, even while the dependency is down', async () => {
    dependency.up = false;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${url}/health/live`)),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect(await responses[0].json()).toEqual({ status: 'ok' });
    expect(dependency.pings).toBe(0);
  });
});
