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

/**
 * The configuration table of docs/configuration.md, generated from the `@Env` bindings and the
 * class defaults, so documentation and code cannot disagree (`npm run docs:config` rewrites it).
 */
export function configurationTable(): string {
  const rows = new Map<
    string,
    { description: string; defaults: Set<string>; services: string[] }
  >();
  for (const [service, configClass] of Object.entries(SERVICE_CONFIGS)) {
    const defaults = new configClass() as unknown as Record<string, unknown>;
    for (const binding of envBindingsOf(configClass)) {
      const row = rows.get(binding.variable) ?? {
        description: binding.description,
        defaults: new Set(),
        services: [],
      };
      row.services.push(service);
      row.defaults.add(formatDefault(defaults[binding.property]));
      rows.set(binding.variable, row);
    }
  }
  // Shared settings first, then each service's own, in declaration order.
  const ordered = [...rows].sort(([, a], [, b]) => b.services.length - a.services.length);
  return markdownTable(
    ['variable', 'services', 'default', 'meaning'],
    ordered.map(([variable, row]) => [
      `\`${variable}\``,
      row.services.length === Object.keys(SERVICE_CONFIGS).length ? 'all' : row.services.join(', '),
      [...row.defaults].join(' / '),
      row.description,
    ]),
  );
}

function formatDefault(value: unknown): string {
  if (value === undefined || value === '') return '(none)';
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  // Paths computed from this checkout are shown relative to the repository.
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(
    `${repoRoot()}/`,
    '',
  );
  return `\`${text}\``;
}
