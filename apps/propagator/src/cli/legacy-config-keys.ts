import { ConfigError } from '@app/config';
import { PropagatorConfig } from '../propagator.config';

/** Keys of the original Python propagator's config file, and the setting each one sets. */
export const LEGACY_CONFIG_KEYS = {
  interval_seconds: 'rate',
  api_endpoint: 'endpoint',
  events_file: 'eventsFile',
} as const;

type LegacyKey = keyof typeof LEGACY_CONFIG_KEYS;

/**
 * Maps the original config file's keys onto ours, so its file runs unchanged:
 * `interval_seconds: N` (one event every N seconds, 0 = no pause) becomes a total rate of
 * 1/N events per second (0 = as fast as possible), `api_endpoint` the http sink's endpoint
 * (which picks the http sink unless one is set), `events_file` the templates file.
 * An alias next to the key it stands for is refused: which one wins would be a guess.
 */
export function mapLegacyConfigKeys(
  settings: Record<string, unknown>,
  file: string,
): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (!(key in LEGACY_CONFIG_KEYS)) {
      mapped[key] = value;
      continue;
    }
    const property = LEGACY_CONFIG_KEYS[key as LegacyKey];
    if (property in settings) {
      problems.push(`${file}: set either ${key} or ${property}, not both`);
      continue;
    }
    if (key === 'interval_seconds') {
      const rate = rateOfInterval(value);
      if (rate === undefined) {
        problems.push(
          `${file}: interval_seconds must be a number of seconds >= 0, got ${JSON.stringify(value)}`,
        );
      } else {
        mapped[property] = rate;
      }
      continue;
    }
    mapped[property] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems, PropagatorConfig.name);
  return mapped;
}

/** One event every `seconds`: 1/seconds events per second; no pause is "unlimited" (0). */
function rateOfInterval(seconds: unknown): number | undefined {
  const number = typeof seconds === 'string' && seconds.trim() !== '' ? Number(seconds) : seconds;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return undefined;
  return number === 0 ? 0 : 1 / number;
}
