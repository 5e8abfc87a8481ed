export * from './partition-batch';
export * from './partition-batch-consumer';
export * from './commit-policy';
export * from './crash-policy';
export * from './group-consumer-config';
export * from './offset-tracker';
export * from './offset-committer';
export * from './kafka-retrier';
