import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseOptions, dataSourceOptions } from './data-source';

/**
 * TypeORM for a service, on the product schema. A database that is still starting gets about
 * 30 s (10 attempts, 3 s apart) before the service gives up starting.
 */
export function databaseModule(options: DatabaseOptions): DynamicModule {
  return TypeOrmModule.forRoot({
    ...dataSourceOptions(options),
    retryAttempts: 10,
    retryDelay: 3000,
  });
}
