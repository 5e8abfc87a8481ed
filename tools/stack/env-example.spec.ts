import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { SERVICE_CONFIGS } from './config-docs';
import { REGENERATE_COMMAND } from './config-docs-file';
import {
  ENV_EXAMPLE,
  entriesOf,
  envExample,
  staleEnvExampleReason,
  variableOf,
} from './env-example';
import { envReads, variablesRead } from './service-env';

const file = join(__dirname, '..', '..', ENV_EXAMPLE);
const committed = readFileSync(file, 'utf8');
const variables = entriesOf(committed).map(variableOf);

/** What a shell that sources the file exports, as `set -a; . ./.env` in the docs does. */
function sourced(path: string): Record<string, string> {
  const env = execFileSync('sh', ['-c', 'set -a; . "$0"; env', path], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
  });
  const exported = env.split('\n').map((line) => line.split(/=(.*)/s) as [string, string]);
  return Object.fromEntries(exported.filter(([name]) => variables.includes(name)));
}

/** A newcomer copies .env.example to find every setting: it must be complete and harmless. */
describe('.env.example', () => {
  it(`holds what \`${REGENERATE_COMMAND}\` generates, as generated`, () => {
    expect(staleEnvExampleReason(committed, envExample())).toBeUndefined();
  });

  it.each(Object.keys(SERVICE_CONFIGS))('lists every variable %s reads', (service) => {
    const read = [...variablesRead(service)!];
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((variable) => !variables.includes(variable))).toEqual([]);
  });

  it('sets only defaults: sourced as it is, it changes no service configuration', () => {
    const env = sourced(file);
    expect(Object.keys(env).length).toBeGreaterThan(40);
    // Required with no default, so it is commented out; both loads need one to pass.
    const secret = { EVENT_ID_SECRET: 'x'.repeat(64) };
    const configClasses: (new () => object)[] = Object.values(SERVICE_CONFIGS);
    for (const configClass of configClasses) {
      expect(loadConfig(configClass, { env: { ...env, ...secret } })).toEqual(
        loadConfig(configClass, { env: secret }),
      );
    }
  });

  it('sets no secret and nothing that makes npm start skip its own broker or database', () => {
    const set = Object.keys(sourced(file));
    const untouchable = [...envReads(['tools/stack/cli.ts'])].concat(
      variables.filter((name) => /SECRET|PASSWORD|API_KEYS|ROUTING_KEY|SMTP_URL/.test(name)),
    );
    expect(untouchable).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'DATABASE_URL']));
    expect(set.filter((name) => untouchable.includes(name))).toEqual([]);
  });

  it('when stale, names the changed variable and the command that regenerates it', () => {
    const generated = envExample();
    const edited = generated.replace('\nLOG_LEVEL=log\n', '\nLOG_LEVEL=debug\n');
    expect(edited).not.toBe(generated);
    const reason = staleEnvExampleReason(edited, generated);
    expect(reason).toContain('new or changed: LOG_LEVEL;');
    expect(reason).toContain('gone or changed: LOG_LEVEL)');
    expect(reason).toContain(REGENERATE_COMMAND);
  });
});
