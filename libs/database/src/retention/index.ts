export * from './utc-days';
export * from './retention-plan';
export * from './day-partitions';
export * from './expiry-deletes';
export * from './retention-pass';
