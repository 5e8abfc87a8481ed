export * from './delivery-executor';
export * from './dispatch-settings';
export * from './idempotency-key';
export { webhookSignature } from './channels/webhook.sender';
