export * from './backoff';
export * from './dependency-retrier';
