import { PropagatorConfig } from '../propagator.config';
import { envBindingsOf } from '@app/config';
import { ENVIRONMENT_ONLY_PROPERTIES, Flag, propagatorFlags } from './command-line';
import { LEGACY_CONFIG_KEYS } from './legacy-config-keys';

const MAIN = 'node dist/apps/propagator/src/main.js';

/** `--help`: every option with its environment variable and default, generated from the config class. */
export function usage(flags: Flag[] = propagatorFlags()): string {
  const defaults = new PropagatorConfig() as unknown as Record<string, unknown>;
  const options = [
    ['--config <file>', 'PROPAGATOR_CONFIG', 'YAML file of settings (property names as keys)'],
    ...flags.map((flag) => [
      flag.boolean ? `--[no-]${flag.name}` : `--${flag.name} <value>`,
      flag.binding.variable,
      flag.binding.description + describeDefault(defaults[flag.property]),
    ]),
    ['--help', '', 'print this help and exit'],
  ];
  const environmentOnly = envBindingsOf(PropagatorConfig)
    .filter((binding) => ENVIRONMENT_ONLY_PROPERTIES.has(binding.property))
    .map((binding) => `  ${binding.variable}\n      ${binding.description}`);
  const aliases = Object.entries(LEGACY_CONFIG_KEYS)
    .map(([key, property]) => `${key} (${property})`)
    .join(', ');
  const width = Math.max(...options.map(([option]) => option.length));
  const lines = options.map(
    ([option, variable, text]) => `  ${option.padEnd(width)}  ${variable}\n      ${text}`,
  );
  return `usage: ${MAIN} [options]

Publishes simulated events (templates from a JSON file) and this host's metrics to the
events topic, or with --sink http POSTs them to --endpoint (an ingest API key in
PROPAGATOR_API_KEY).
  interval mode (default): each of --sources sources publishes one event every --interval-ms
  rate mode (--rate and/or --count): a load generator; with --count it publishes exactly
    that many events, flushes, prints a summary and exits 0

Options (command line > environment > --config file > default):
${lines.join('\n')}

Environment only (secrets stay off the command line):
${environmentOnly.join('\n')}

The --config file also takes the original propagator's keys: ${aliases}.

Examples:
  ${MAIN}
  ${MAIN} --sources 20 --interval-ms 250 --no-host-metrics
  ${MAIN} --rate 20000 --count 1000000
  ${MAIN} --rate 0 --count 1000000     # as fast as possible
  PROPAGATOR_API_KEY=... ${MAIN} --sink http --endpoint http://localhost:3000/event
`;
}

function describeDefault(value: unknown): string {
  if (value === undefined) return '';
  const text = Array.isArray(value) ? value.join(',') : JSON.stringify(value);
  return ` (default ${typeof value === 'string' ? value || '""' : text})`;
}
