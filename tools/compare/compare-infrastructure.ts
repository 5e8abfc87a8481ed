/**
 * The brokers (one per build: the topics of both have the same names, which the ids of events
 * sent without one are derived from) and the PostgreSQL server: given, or started here, fresh,
 * and stopped at the end.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKafkaBroker } from '../infra/kafka-broker';
import { PostgresProcess } from '../infra/postgres-process';
import { CompareOptions } from './options';

export interface CompareInfrastructure {
  oldKafka: string;
  newKafka: string;
  serverUrl: string;
  stop(): Promise<void>;
}

export async function compareInfrastructure(
  options: CompareOptions,
  log: (line: string) => void,
): Promise<CompareInfrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'eventmon-compare-'));
    // mkdtemp makes it 0700; run as root, PostgreSQL's initdb runs as a user of its own, which
    // must reach the data directory inside.
    chmodSync(dir, 0o755);
    stops.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const [oldPort, newPort, postgresPort] = options.localPorts;
    const broker = async (port: number, name: string) => {
      const local = new LocalKafkaBroker({
        port,
        controllerPort: port + 1,
        dataDir: join(dir, name),
      });
      stops.push(() => local.stop());
      await local.start();
      return local.brokers;
    };
    const [oldKafka, newKafka, serverUrl] = await Promise.all([
      options.oldKafka ?? broker(oldPort, 'kafka-old'),
      options.newKafka ?? broker(newPort, 'kafka-new'),
      options.databaseUrl ??
        (async () => {
          const postgres = new PostgresProcess({ port: postgresPort, dataDir: join(dir, 'pg') });
          stops.push(() => postgres.stop());
          await postgres.start();
          return postgres.url;
        })(),
    ]);
    log(
      `brokers: old ${oldKafka}, new ${newKafka}${options.oldKafka ? '' : ' (local, fresh)'}; PostgreSQL ${new URL(serverUrl).host}`,
    );
    return { oldKafka, newKafka, serverUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
