export * from './json-logger';
export * from './metrics';
export * from './health';
export * from './shared-check';
export * from './health.module';
export * from './public-route';
