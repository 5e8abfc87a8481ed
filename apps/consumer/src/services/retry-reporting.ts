import { Logger } from '@nestjs/common';
import { ConsumerMetrics } from '../metrics/consumer.metrics';
import { classifyDatabaseError, FailureKind } from './retry-policy';
import { Dependency, RetryHooks } from '@app/resilience';
import { groupMembershipLost } from '@app/kafka';

/**
 * Makes an outage visible without flooding the log: counts every retry, logs the first
 * failure and every tenth, and holds the "waiting" gauge at 1 while ANY batch of any
 * pipeline waits for the dependency (one batch recovering does not clear it for the others).
 */
export function reportingRetryHooks(metrics: ConsumerMetrics): RetryHooks {
  const logger = new Logger('ConsumerRetries');
  const waiters = new Map<Dependency, number>();
  return {
    onRetry: (dependency, attempt, delayMs, error) => {
      metrics.retries.inc({ dependency });
      if (attempt === 1 || attempt % 10 === 0) {
        logger.warn(
          `${dependency} unavailable (attempt ${attempt}, next in ${delayMs} ms), consumption paused: ${(error as Error)?.message}`,
        );
      }
    },
    onWaiting: (dependency, waiting) => {
      const count = (waiters.get(dependency) ?? 0) + (waiting ? 1 : -1);
      waiters.set(dependency, count);
      metrics.waitingForDependency.set({ dependency }, count > 0 ? 1 : 0);
    },
    // Rows the database refuses are split off and dead-lettered by the persister. A commit
    // refused because the group moved on goes back to kafkajs, which rejoins the group.
    isPermanent: (dependency, error) =>
      dependency === 'database'
        ? classifyDatabaseError(error) === FailureKind.PoisonData
        : groupMembershipLost(error) !== undefined,
  };
}
