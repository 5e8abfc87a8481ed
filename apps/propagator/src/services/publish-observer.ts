/**
 * What the publish pipeline reports. On the main thread it goes straight to the Prometheus
 * metrics; in a load worker it is accumulated and posted to the main thread, which owns them.
 */
export interface PublishObserver {
  published(type: string, count: number): void;
  sendFailed(): void;
  inFlightChanged(delta: number): void;
  sendCompleted(seconds: number): void;
}

export const PUBLISH_OBSERVER = Symbol('PUBLISH_OBSERVER');
