import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The dashboard's static files (`apps/gateway/public`), found by walking up from this file:
 * it runs from `apps/` under ts-jest and from `dist/apps/` once built (in the image too).
 */
export function dashboardDir(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'gateway', 'public');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
