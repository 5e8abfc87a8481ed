import {
  createScratchDatabase as createOnServer,
  ScratchDatabase,
} from '../../tools/infra/scratch-database';
import { requiredEnv } from './integration-env';

export type { ScratchDatabase };

/** A fresh, migrated database on the test server (DATABASE_URL), dropped by `drop()`. */
export function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  return createOnServer(requiredEnv('DATABASE_URL'), label);
}
