/** The Java the local broker runs on: $JAVA_HOME's, else `java` on the PATH, version 17+. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from './processes';

export const MIN_JAVA_MAJOR = 17;

export function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  if (home && fs.existsSync(path.join(home, 'bin', exe))) return path.join(home, 'bin', exe);
  return 'java';
}

/** Fails with what to install when `java` is missing or older than 17 (`needs`: for what). */
export async function checkJava(java: string, needs: string): Promise<void> {
  const res = await run(java, ['-version'], process.cwd());
  if (res.error || res.code !== 0) {
    throw new Error(
      `Java ${MIN_JAVA_MAJOR}+ is needed to run the local Kafka broker but "${java} -version" failed ` +
        `(${res.error?.message ?? `exit ${res.code}`}). Install a JDK/JRE 17+ (e.g. apt-get install ` +
        'openjdk-17-jre-headless) or set JAVA_HOME, or set KAFKA_BROKERS to use an existing cluster.',
    );
  }
  const major = javaMajorVersion(res.output);
  if (Number.isFinite(major) && major < MIN_JAVA_MAJOR) {
    throw new Error(`${needs} needs Java ${MIN_JAVA_MAJOR}+, but ${java} is Java ${major}`);
  }
}

/** `java -version` output -> major version ("1.8.0_x" is 8, "17.0.15" is 17); NaN if unreadable. */
export function javaMajorVersion(versionOutput: string): number {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  return m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
}
