import { Logger } from '@nestjs/common';
import { BatchContext, DependencyRetrier } from '@app/resilience';

/** Retries a Kafka write until it succeeds or its caller stops, logging the first and every tenth failure. */
export function kafkaRetrier(logger: Logger, what: string): DependencyRetrier {
  return new DependencyRetrier(10_000, {
    onRetry: (_dependency, attempt, delayMs, error) => {
      if (attempt === 1 || attempt % 10 === 0) {
        logger.warn(
          `${what} failed (attempt ${attempt}, next in ${delayMs} ms): ${(error as Error)?.message}`,
        );
      }
    },
    onWaiting: () => undefined,
  });
}

/** For retries outside a batch (ticks, deliveries): keep trying until the service stops. */
export function untilStopped(isStopping: () => boolean): BatchContext {
  return { heartbeat: () => Promise.resolve(), isActive: () => !isStopping() };
}
