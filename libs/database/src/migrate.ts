/**
 * `node dist/libs/database/src/migrate.js`: applies pending migrations to DATABASE_URL
 * (or the local stack's default). Used by `npm run migration:run` and the Docker stack.
 */
import { DEFAULT_DATABASE_URL } from '@app/config';
import { runMigrations } from './data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const applied = await runMigrations(url);
  process.stdout.write(
    applied.length > 0 ? `applied migrations: ${applied.join(', ')}\n` : 'schema is up to date\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
