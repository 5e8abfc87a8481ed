/**
 * Which environment variables each service's process reads, so every place that hands
 * variables to the services (docker-compose.yml, deploy/kubernetes/) can be checked against
 * the code instead of a hand-kept list: a variable the code does not read is a setting that
 * silently does nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envBindingsOf } from '@app/config';
import { APP_NODE_FLAGS, APPS, AppName } from './app-process';
import { SERVICE_CONFIGS } from './config-docs';
import { repoRoot } from './repo-root';

/** The migration job: applies pending migrations to DATABASE_URL, then exits. */
export const MIGRATE_ENTRY = 'dist/libs/database/src/migrate.js';

export type ServiceName = AppName | 'migrate';

/** Service name -> what it runs: the four apps under their own names, and the migration job. */
export const ENTRY_POINTS: Readonly<Record<ServiceName, string>> = {
  ...(Object.fromEntries(APPS.map((app) => [app, `dist/apps/${app}/src/main.js`])) as Record<
    AppName,
    string
  >),
  migrate: MIGRATE_ENTRY,
};

/**
 * Options for node itself, before the entry point, that a service must be started with: every
 * launcher (tools/stack, docker-compose.yml, deploy/kubernetes) passes exactly these.
 */
export const NODE_FLAGS: Readonly<Record<ServiceName, readonly string[]>> = {
  ...APP_NODE_FLAGS,
  migrate: [],
};

/** `dist/apps/x/src/main.js` -> `apps/x/src/main.ts` (tsconfig: rootDir ".", outDir "dist"). */
export function sourceOf(entry: string): string {
  return entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

/** Variables a source file reads directly from process.env (not through a config class). */
export function envReads(files: string[], root = repoRoot()): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const [, name] of text.matchAll(/process\.env\.([A-Z0-9_]+)/g)) names.add(name);
    for (const [, name] of text.matchAll(/process\.env\[['"]([A-Z0-9_]+)['"]\]/g)) names.add(name);
    // serviceMain reads the YAML file's path from the variable it is given.
    for (const [, name] of text.matchAll(/configFileVariable: ['"]([A-Z0-9_]+)['"]/g))
      names.add(name);
  }
  return names;
}

/**
 * What a service's process reads from its environment: its config class's `@Env` bindings
 * (the class itself, parents included, not a grep) and what its main() reads directly.
 * Undefined for a name that is not a service.
 */
export function variablesRead(name: string, root = repoRoot()): Set<string> | undefined {
  if (name === 'migrate') return envReads([sourceOf(MIGRATE_ENTRY)], root);
  const configClass = SERVICE_CONFIGS[name as keyof typeof SERVICE_CONFIGS];
  if (configClass === undefined) return undefined;
  const main = sourceOf(ENTRY_POINTS[name as AppName]);
  return new Set([
    ...envBindingsOf(configClass).map((binding) => binding.variable),
    ...envReads(existsSync(join(root, main)) ? [main] : [], root),
  ]);
}

/** An app's HTTP port (health, metrics, API): the variable that sets it and its default. */
export function httpPortOf(app: AppName): { variable: string; defaultPort: number } {
  const configClass = SERVICE_CONFIGS[app];
  const binding = envBindingsOf(configClass).find((b) => b.property === 'port');
  if (!binding) throw new Error(`${app}: its config class binds no variable to its port`);
  return { variable: binding.variable, defaultPort: new configClass().port };
}
