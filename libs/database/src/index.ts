export * from './entities/event.entity';
export * from './entities/event-rollup-minute.entity';
export * from './entities/incident.entity';
export * from './entities/delivery.entity';
export * from './entities/alert-rule.entity';
export * from './entities/audit-entry.entity';
export * from './data-source';
export * from './database.module';
