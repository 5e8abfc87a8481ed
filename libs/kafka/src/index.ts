export * from './kafka-client.factory';
export * from './topic-admin';
export * from './kafka-health.indicator';
export * from './kafka.module';
export * from './topic-follower';
export * from './consumer-stall-monitor';
export * from './settles-within';
export * from './replaceable-consumer';
