export * from './delivery-executor';
export * from './delivery-settings';
export * from './idempotency-key';
export { webhookSignature } from './channels/webhook.sender';
