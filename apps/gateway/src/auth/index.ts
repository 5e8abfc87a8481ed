export * from './access.decorator';
export * from './api-key.guard';
export * from './api-keys';
export * from './principal.decorator';
export * from './managed-key';
