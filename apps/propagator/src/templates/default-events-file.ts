import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the shipped sample lives, relative to the repository (and Docker image) root. */
export const SAMPLE_EVENTS_FILE = join('apps', 'propagator', 'events.sample.json');

/**
 * The sample templates file, found by walking up from this file so the same default works
 * from the sources (ts-jest), from dist/ and from an image that copies the repository layout.
 * Falls back to the working directory when no ancestor holds it.
 */
export function defaultEventsFile(from = __dirname, cwd = process.cwd()): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, SAMPLE_EVENTS_FILE);
    if (existsSync(candidate)) return candidate;
  }
  return resolve(cwd, SAMPLE_EVENTS_FILE);
}
