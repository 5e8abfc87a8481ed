/** The command line of `npm run compare:analytics`. */
import { resolve } from 'node:path';

export interface CompareOptions {
  oldDir: string;
  newDir: string;
  /** Brokers to use, one per build; undefined: local brokers on localPorts. */
  oldKafka?: string;
  newKafka?: string;
  /** A PostgreSQL server to make the two databases on; undefined: a local one. */
  databaseUrl?: string;
  /** old broker, new broker (each with its controller on the next port), PostgreSQL. */
  localPorts: [number, number, number];
  /** consumer and gateway of old, then of new: four ports from here. */
  httpPortBase: number;
  events: number;
  seed: number;
  /** End of the bulk of the data; default the start of the current hour. */
  anchor: number;
  idReuses: number;
  tamper: boolean;
  keep: boolean;
  reportFile?: string;
  drainTimeoutMs: number;
}

export const USAGE = `usage: npm run compare:analytics -- --old <built checkout> --new <built checkout> [options]

  --old DIR, --new DIR   checkouts whose dist/ is built (npm run build in each)
  --old-kafka H:P        broker for the old build   } default: two local brokers on
  --new-kafka H:P        broker for the new build   } --local-ports, fresh each run
  --database-url URL     a PostgreSQL server (the run makes and drops two databases on it);
                         default: a local one on the third of --local-ports
  --local-ports A,B,C    old broker, new broker (controllers on A+1, B+1), PostgreSQL
                         (default 29470,29472,29474)
  --http-port-base P     consumer and gateway ports: P, P+1 (old), P+2, P+3 (new) (default 29476)
  --events N             valid events in the message set (default 200000)
  --seed N               seed of the message set (default 15)
  --anchor ISO           end of the bulk of the data, a whole hour (default: this hour's start)
  --id-reuses N          also publish N events again under the same id with another occurredAt
                         (issue 15 stores those as new events: expect differences; default 0)
  --tamper               add 1 to one count row of the new build's database before comparing:
                         the run must then report differences (a check of the tool itself)
  --keep                 keep the two databases (their names are printed)
  --report FILE          write every difference found, with both answers, as JSON
  --drain-timeout S      longest wait for a consumer to store everything (default 300)`;

export function parseOptions(argv: readonly string[]): CompareOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (name === '--tamper' || name === '--keep') flags.add(name);
    else if (name.startsWith('--') && i + 1 < argv.length) values.set(name, argv[++i]);
    else throw new Error(`unexpected argument ${name}\n${USAGE}`);
  }
  const known = new Set(USAGE.match(/--[a-z-]+/g));
  for (const name of [...values.keys(), ...flags]) {
    if (!known.has(name)) throw new Error(`unknown option ${name}\n${USAGE}`);
  }
  const number = (name: string, fallback: number) => {
    const value = values.has(name) ? Number(values.get(name)) : fallback;
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
    return value;
  };
  const oldDir = values.get('--old');
  const newDir = values.get('--new');
  if (!oldDir || !newDir) throw new Error(`--old and --new are required\n${USAGE}`);
  if (values.has('--old-kafka') !== values.has('--new-kafka')) {
    throw new Error('--old-kafka and --new-kafka go together (one broker per build)');
  }
  if (values.has('--old-kafka') && values.get('--old-kafka') === values.get('--new-kafka')) {
    throw new Error('the builds need a broker each: their topics have the same names');
  }
  const ports = (values.get('--local-ports') ?? '29470,29472,29474').split(',').map(Number);
  if (ports.length !== 3 || ports.some((port) => !Number.isInteger(port) || port <= 0)) {
    throw new Error('--local-ports takes three ports: old broker, new broker, PostgreSQL');
  }
  const hour = 3_600_000;
  const anchor = values.has('--anchor')
    ? Date.parse(values.get('--anchor')!)
    : Math.floor(Date.now() / hour) * hour;
  if (!Number.isFinite(anchor) || anchor % hour !== 0) {
    throw new Error('--anchor takes an ISO time on a whole hour');
  }
  return {
    oldDir: resolve(oldDir),
    newDir: resolve(newDir),
    oldKafka: values.get('--old-kafka'),
    newKafka: values.get('--new-kafka'),
    databaseUrl: values.get('--database-url'),
    localPorts: ports as [number, number, number],
    httpPortBase: number('--http-port-base', 29476),
    events: number('--events', 200_000),
    seed: number('--seed', 15),
    anchor,
    idReuses: number('--id-reuses', 0),
    tamper: flags.has('--tamper'),
    keep: flags.has('--keep'),
    reportFile: values.get('--report'),
    drainTimeoutMs: number('--drain-timeout', 300) * 1000,
  };
}
