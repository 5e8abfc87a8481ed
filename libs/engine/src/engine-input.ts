import { AlertRule } from '@app/contracts';
import { EngineOptions } from './engine-types';

/**
 * The engine's own preconditions. Rules and events are decoded before they get here, so a
 * failure is a programming error: it throws with the reason instead of computing nonsense
 * (a NaN clock would silently make every later event late).
 */
export function assertTime(value: unknown, name: string): asserts value is number {
  // Number.isFinite is false for anything but a finite number; the throw is kept out of line
  // so that this check stays small enough to inline into offer().
  if (!Number.isFinite(value)) notATime(value, name);
}

function notATime(value: unknown, name: string): never {
  throw new RangeError(
    `${name} must be a finite number of epoch milliseconds, got ${String(value)}`,
  );
}

export function assertEngineOptions(options: EngineOptions): void {
  for (const name of ['graceMs', 'maxFutureSkewMs', 'idleKeyTtlMs'] as const) {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `engine option ${name} must be a finite number >= 0, got ${String(value)}`,
      );
    }
  }
  const { maxKeysPerRule } = options;
  if (
    maxKeysPerRule !== undefined &&
    maxKeysPerRule !== Infinity &&
    !(Number.isInteger(maxKeysPerRule) && maxKeysPerRule >= 1)
  ) {
    throw new RangeError(
      `engine option maxKeysPerRule must be a whole number >= 1, got ${String(maxKeysPerRule)}`,
    );
  }
}

export function assertEvaluableRule(rule: AlertRule): void {
  const { seconds } = rule.window;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(
      `rule ${rule.id}: window.seconds must be a whole number >= 1, got ${seconds}`,
    );
  }
  if (!Number.isFinite(rule.condition.threshold)) {
    throw new RangeError(
      `rule ${rule.id}: condition.threshold must be a finite number, got ${rule.condition.threshold}`,
    );
  }
}
