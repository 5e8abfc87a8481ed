export * from './env.decorator';
export * from './load-config';
export * from './transforms';
export * from './common.config';
export * from './shared-settings';
export * from './kafka-security.config';
export * from './validators';
export * from './consumer-groups';
