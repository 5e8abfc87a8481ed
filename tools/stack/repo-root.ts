import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout's root, found from this file whether it runs from tools/ or dist/tools/. */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}
