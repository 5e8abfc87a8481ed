import { backoffDelay } from '@app/resilience';
import { AttemptResult } from './attempt-result';

export interface BackoffSettings {
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * The pause after failed attempt `attempt`: jittered exponential backoff, or longer when the
 * receiver said so (Retry-After), never beyond the cap so one slow channel cannot park a
 * delivery for hours.
 */
export function retryDelay(
  result: AttemptResult,
  attempt: number,
  settings: BackoffSettings,
  random: () => number,
): number {
  const backoff = backoffDelay(attempt, settings.initialBackoffMs, settings.maxBackoffMs, random);
  const asked = !result.ok && result.retryAfterMs !== undefined ? result.retryAfterMs : 0;
  return Math.min(settings.maxBackoffMs, Math.max(backoff, asked));
}
