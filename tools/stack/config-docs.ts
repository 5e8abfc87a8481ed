import { envBindingsOf } from '@app/config';
import { AlertingConfig } from '../../apps/alerting/src/alerting.config';
import { ConsumerConfig } from '../../apps/consumer/src/consumer.config';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config';
import { PropagatorConfig } from '../../apps/propagator/src/propagator.config';
import { markdownTable } from '../docs/markdown-table';
import { repoRoot } from './repo-root';

export const SERVICE_CONFIGS = {
  propagator: PropagatorConfig,
  consumer: ConsumerConfig,
  alerting: AlertingConfig,
  gateway: GatewayConfig,
} as const;

/** A class default as the docs show it; undefined when there is none. */
export interface DefaultValue {
  text: string;
  /** Computed from this checkout's location (shown relative to it), so not a fixed value. */
  fromCheckout: boolean;
}

/** One environment variable: every service whose config class binds it, with each default. */
export interface ConfigurationRow {
  variable: string;
  description: string;
  services: string[];
  /** The default of each service in `services`, in the same order. */
  defaults: (DefaultValue | undefined)[];
}

/**
 * Every `@Env` binding of the four config classes, one row per variable, shared settings
 * first, then each service's own in declaration order. The source of docs/configuration.md and
 * .env.example (`npm run docs:config` rewrites both), so documentation and code cannot disagree.
 */
export function configurationRows(): ConfigurationRow[] {
  const rows = new Map<string, ConfigurationRow>();
  for (const [service, configClass] of Object.entries(SERVICE_CONFIGS)) {
    const defaults = new configClass() as unknown as Record<string, unknown>;
    for (const binding of envBindingsOf(configClass)) {
      const row = rows.get(binding.variable) ?? {
        variable: binding.variable,
        description: binding.description,
        services: [],
        defaults: [],
      };
      row.services.push(service);
      row.defaults.push(defaultValue(defaults[binding.property]));
      rows.set(binding.variable, row);
    }
  }
  return [...rows.values()].sort((a, b) => b.services.length - a.services.length);
}

/** "all" for a variable every service reads, else the services' names. */
export function servicesLabel(services: string[]): string {
  return services.length === Object.keys(SERVICE_CONFIGS).length ? 'all' : services.join(', ');
}

/** The configuration table of docs/configuration.md. */
export function configurationTable(): string {
  return markdownTable(
    ['variable', 'services', 'default', 'meaning'],
    configurationRows().map((row) => [
      `\`${row.variable}\``,
      servicesLabel(row.services),
      [...new Set(row.defaults.map((value) => (value ? `\`${value.text}\`` : '(none)')))].join(
        ' / ',
      ),
      row.description,
    ]),
  );
}

function defaultValue(value: unknown): DefaultValue | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return { text: value.join(','), fromCheckout: false };
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Paths computed from this checkout are shown relative to the repository.
  const checkout = `${repoRoot()}/`;
  return { text: text.replace(checkout, ''), fromCheckout: text.includes(checkout) };
}
