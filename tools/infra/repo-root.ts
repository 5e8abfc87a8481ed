import * as fs from 'node:fs';
import * as path from 'node:path';

/** Walks up from `start` to the directory holding package.json and infra/kafka/pom.xml. */
export function findRepoRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (
      fs.existsSync(path.join(dir, 'package.json')) &&
      fs.existsSync(path.join(dir, 'infra', 'kafka', 'pom.xml'))
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find the repository root (package.json + infra/kafka/pom.xml) above ${start}`,
      );
    }
    dir = parent;
  }
}
