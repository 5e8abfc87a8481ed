import { LoggerService } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AlertingMetrics } from '../metrics/alerting.metrics';

/** How a skip is accounted for: counted under `reason`, and logged naming `what`. */
export interface SkipAccounting {
  metrics: AlertingMetrics;
  logger: LoggerService;
  reason: string;
  what: string;
  /** Where skips are counted; `eventmon_alerting_events_skipped_total` by default. */
  counter?: Counter<'reason'>;
}

/**
 * Runs a decoder over one consumed message and turns a throw into a counted, logged skip.
 * Thrown out of eachBatch, one hostile message would stop its partition for good (kafkajs
 * retries the same offset until it gives up and the process exits). The consumer owns the
 * dead-letter topics, so alerting only skips: `eventmon_alerting_events_skipped_total{reason}`.
 */
export function decodeOrSkip<T>(decode: () => T, skipped: SkipAccounting): T | undefined {
  try {
    return decode();
  } catch (error) {
    (skipped.counter ?? skipped.metrics.eventsSkipped).inc({ reason: skipped.reason });
    skipped.logger.warn(`${skipped.what} could not be decoded and is skipped: ${String(error)}`);
    return undefined;
  }
}

/**
 * decodeOrSkip for a decoder that answers `{ ok: false }` for what is invalid: that is
 * skipped too, and counted under `invalidReason`. Returns the valid answer, or undefined.
 */
export function decodeValidOrSkip<R extends { ok: boolean }>(
  decode: () => R,
  skipped: SkipAccounting,
  invalidReason: string,
): Extract<R, { ok: true }> | undefined {
  const decoded = decodeOrSkip(decode, skipped);
  if (!decoded) return undefined;
  if (!decoded.ok) {
    (skipped.counter ?? skipped.metrics.eventsSkipped).inc({ reason: invalidReason });
    return undefined;
  }
  return decoded as Extract<R, { ok: true }>;
}
