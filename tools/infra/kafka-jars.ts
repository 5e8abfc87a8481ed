/**
 * The Apache Kafka broker's jars, fetched from Maven Central with `mvn dependency:copy-dependencies`
 * (infra/kafka/pom.xml) into a cache outside git, once: the same jars as the libs/ folder of
 * the binary tarball, with Maven as the only download tool a developer needs.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './processes';
import { readIfExists, tail } from './text-files';

export const KAFKA_VERSION = '4.1.2';

/** $KAFKA_CACHE_DIR, or ~/.cache/eventmon/kafka-<version>. */
export function defaultKafkaCacheDir(): string {
  return (
    process.env.KAFKA_CACHE_DIR ??
    path.join(os.homedir(), '.cache', 'eventmon', `kafka-${KAFKA_VERSION}`)
  );
}

export interface KafkaJarsOptions {
  repoRoot: string;
  cacheDir: string;
  log: (line: string) => void;
}

/**
 * The folder of jars, <cacheDir>/libs, downloaded with Maven when missing or fetched for
 * another pom (the COMPLETE marker records the pom's hash). Several processes may download
 * at once: each into a folder of its own, and the first to finish wins.
 */
export async function ensureKafkaJars({
  repoRoot,
  cacheDir,
  log,
}: KafkaJarsOptions): Promise<string> {
  const pom = path.join(repoRoot, 'infra', 'kafka', 'pom.xml');
  const pomHash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  const libs = path.join(cacheDir, 'libs');
  const marker = path.join(cacheDir, 'COMPLETE');
  const complete = () => readIfExists(marker)?.trim() === pomHash && fs.existsSync(libs);
  if (complete()) return libs;

  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = path.join(cacheDir, `libs.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const mvnArgs = [
    '-B',
    '-q',
    '-f',
    pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
  ];
  log(`Downloading Apache Kafka ${KAFKA_VERSION} jars with Maven into ${libs} (once)...`);
  const t0 = Date.now();
  const res = await run(mvn, mvnArgs, repoRoot);
  if (res.error) {
    throw new Error(
      `Maven ("${mvn}") is needed to download the Kafka jars but could not be run (${res.error.message}). ` +
        'Install Maven 3.8+ (e.g. apt-get install maven), or set KAFKA_BROKERS to use an existing cluster.',
    );
  }
  const jars = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.endsWith('.jar')) : [];
  if (res.code !== 0 || !jars.some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `Downloading the Kafka jars failed: ${mvn} ${mvnArgs.join(' ')} exited with ${res.code}\n${tail(res.output, 30)}`,
    );
  }
  if (complete()) {
    // Another process finished the same download meanwhile: keep its copy.
    fs.rmSync(tmp, { recursive: true, force: true });
    return libs;
  }
  fs.rmSync(libs, { recursive: true, force: true });
  fs.renameSync(tmp, libs);
  fs.writeFileSync(marker, `${pomHash}\n`);
  log(`Downloaded ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return libs;
}
