/** KRaft storage of the local broker: `kafka-storage format`, once per data directory. */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { SCRAM_MECHANISMS } from './kafka-server-properties';
import { run } from './processes';
import { readIfExists, tail } from './text-files';

export interface FormatStorageOptions {
  java: string;
  /** Folder of the broker's jars. */
  libs: string;
  log4jConfig: string;
  dataDir: string;
  propsFile: string;
  /** SCRAM users (name -> password), stored in the metadata log when it is formatted. */
  scramUsers: Record<string, string>;
  log: (line: string) => void;
}

/** Formats <dataDir>/data unless it already holds a cluster id (data/meta.properties). */
export async function formatStorageOnce(options: FormatStorageOptions): Promise<void> {
  const { java, libs, dataDir, propsFile } = options;
  const meta = readIfExists(path.join(dataDir, 'data', 'meta.properties'));
  if (meta && /^cluster\.id=\S+/m.test(meta)) return;
  const clusterId = randomClusterId();
  options.log(
    `Formatting KRaft storage in ${path.join(dataDir, 'data')} (cluster id ${clusterId})`,
  );
  const res = await run(
    java,
    [
      `-Dlog4j2.configurationFile=${options.log4jConfig}`,
      '-cp',
      path.join(libs, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propsFile,
      '--ignore-formatted',
      // KRaft keeps SCRAM credentials in its metadata log: added once, at format time.
      ...Object.entries(options.scramUsers).flatMap(([name, password]) =>
        SCRAM_MECHANISMS.flatMap((mechanism) => [
          '--add-scram',
          `${mechanism}=[name=${name},password=${password}]`,
        ]),
      ),
    ],
    dataDir,
  );
  if (res.error || res.code !== 0) {
    throw new Error(
      `Formatting Kafka storage failed (exit ${res.code ?? res.error?.message}):\n${tail(res.output, 30)}`,
    );
  }
}

/** Kafka's Uuid format: 16 random bytes, base64url without padding, not starting with '-'. */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
