import { DataSource, DataSourceOptions } from 'typeorm';
import { EventRollupMinuteEntity } from './entities/event-rollup-minute.entity';
import { EventCountEntity } from './entities/event-count.entity';
import { EventEntity } from './entities/event.entity';
import { DeliveryEntity } from './entities/delivery.entity';
import { IncidentEntity } from './entities/incident.entity';
import { AlertRuleEntity } from './entities/alert-rule.entity';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { CreateEventsAndRollups1763900000000 } from './migrations/1763900000000-CreateEventsAndRollups';
import { CreateIncidentsAndDeliveries1764000000000 } from './migrations/1764000000000-CreateIncidentsAndDeliveries';
import { CreateRulesAndAuditLog1765000000000 } from './migrations/1765000000000-CreateRulesAndAuditLog';
import { CreateEventCounts1766000000000 } from './migrations/1766000000000-CreateEventCounts';
import { CreateGatewaySettings1767000000000 } from './migrations/1767000000000-CreateGatewaySettings';
import { PartitionEventsByDay1768000000000 } from './migrations/1768000000000-PartitionEventsByDay';
import { IndexDeliveriesByTime1768000000001 } from './migrations/1768000000001-IndexDeliveriesByTime';
import { CreateApiKeys1769000000000 } from './migrations/1769000000000-CreateApiKeys';
import { withMigrationLock } from './migration-lock';

export const ENTITIES = [
  EventEntity,
  EventRollupMinuteEntity,
  EventCountEntity,
  IncidentEntity,
  DeliveryEntity,
  AlertRuleEntity,
  AuditEntryEntity,
];
/** In order. Listed explicitly (not globbed) so the compiled and the ts-jest builds agree. */
export const MIGRATIONS = [
  CreateEventsAndRollups1763900000000,
  CreateIncidentsAndDeliveries1764000000000,
  CreateRulesAndAuditLog1765000000000,
  CreateEventCounts1766000000000,
  CreateGatewaySettings1767000000000,
  PartitionEventsByDay1768000000000,
  IndexDeliveriesByTime1768000000001,
  CreateApiKeys1769000000000,
];

export interface DatabaseOptions {
  url: string;
  /** Connections this process may hold. */
  poolSize?: number;
  applicationName?: string;
}

/** Never `synchronize`: the schema is the migrations' job, in every environment. */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    extra: poolSettings(options),
  };
}

/**
 * node-postgres pool settings every pool of the product's uses. `serverSettings` are extra
 * `name=value` PostgreSQL settings for this pool's connections only.
 */
export function poolSettings(options: DatabaseOptions, serverSettings: string[] = []) {
  return {
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'eventmon',
    // Fail a connection attempt quickly during an outage so callers can back off and retry.
    connectionTimeoutMillis: 5000,
    // Every query here is bounded (a page, a batch, a few thousand count rows). With
    // parallel workers allowed, the planner's often tenfold range estimates make it start
    // them for a UNION ALL of count scans: about 50 ms to launch on a 2-core machine, for
    // work that takes 3 to 10 ms in one process.
    options: ['max_parallel_workers_per_gather=0', ...serverSettings]
      .map((setting) => `-c ${setting}`)
      .join(' '),
  };
}

/**
 * Applies pending migrations. Safe to call from several processes at once: TypeORM takes no
 * lock of its own, so runs queue on an advisory lock and a later one finds nothing pending.
 */
export function runMigrations(url: string): Promise<string[]> {
  return withMigrationLock(url, () => applyPendingMigrations(url));
}

async function applyPendingMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({
    ...dataSourceOptions({ url, poolSize: 1 }),
    logging: ['error'],
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
