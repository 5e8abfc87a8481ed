export * from './topics';
export * from './event';
export * from './event-id';
export * from './event-decoder';
export * from './dead-letter';
export { default as EVENT_JSON_SCHEMA } from './event.schema.json';
