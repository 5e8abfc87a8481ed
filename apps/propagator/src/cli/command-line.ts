import { ConfigError, EnvBinding, envBindingsOf } from '@app/config';
import { PropagatorConfig } from '../propagator.config';

export interface CommandLine {
  help: boolean;
  /** --config <file>: YAML settings, below the environment and the flags. */
  configFile: string | undefined;
  /** Config property -> raw value, for loadConfig's `overrides` (they win over everything). */
  overrides: Record<string, string>;
}

export interface Flag {
  name: string;
  property: string;
  boolean: boolean;
  binding: EnvBinding;
}

/** Properties that are switches: `--host-metrics`, `--no-host-metrics`, `--host-metrics=false`. */
const BOOLEAN_PROPERTIES = new Set(['hostMetrics']);

/** Secrets have no flag: a command line is visible to every user of the host (ps). */
export const ENVIRONMENT_ONLY_PROPERTIES = new Set(['apiKey']);

const CONFIG_NAME = PropagatorConfig.name;

export const kebabCase = (property: string): string =>
  property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** One flag per setting that has an environment variable, so the three sources never drift. */
export function propagatorFlags(): Flag[] {
  return envBindingsOf(PropagatorConfig)
    .filter((binding) => !ENVIRONMENT_ONLY_PROPERTIES.has(binding.property))
    .map((binding) => ({
      name: kebabCase(binding.property),
      property: binding.property,
      boolean: BOOLEAN_PROPERTIES.has(binding.property),
      binding,
    }));
}

/**
 * Parses `--flag value`, `--flag=value`, switches and `--help`. Every problem is reported
 * at once as a ConfigError, so a typo fails the start with the same clear message as a bad
 * environment variable instead of being silently ignored.
 */
export function parseCommandLine(args: readonly string[], flags = propagatorFlags()): CommandLine {
  const byName = new Map(flags.map((flag) => [flag.name, flag]));
  const result: CommandLine = { help: false, configFile: undefined, overrides: {} };
  const problems: string[] = [];

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      result.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      problems.push(`unexpected argument "${arg}" (options start with --; see --help)`);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals >= 0 ? equals : undefined);
    const inline = equals >= 0 ? arg.slice(equals + 1) : undefined;

    if (name === 'config') {
      const value = inline ?? takeValue(args, i);
      if (value === undefined) problems.push('--config needs a file name');
      else result.configFile = value;
      if (inline === undefined && value !== undefined) i++;
      continue;
    }

    const negated = name.startsWith('no-') ? byName.get(name.slice(3)) : undefined;
    if (negated?.boolean && inline === undefined) {
      result.overrides[negated.property] = 'false';
      continue;
    }

    const flag = byName.get(name);
    if (!flag) {
      problems.push(`unknown option --${name} (see --help for the list)`);
      continue;
    }
    if (flag.boolean) {
      // A switch never swallows the next argument: `--host-metrics --rate 5` must stay two options.
      result.overrides[flag.property] = inline ?? 'true';
      continue;
    }
    const value = inline ?? takeValue(args, i);
    if (value === undefined) {
      problems.push(`--${flag.name} needs a value`);
      continue;
    }
    if (inline === undefined) i++;
    result.overrides[flag.property] = value;
  }

  if (problems.length > 0) throw new ConfigError(problems, CONFIG_NAME);
  return result;
}

function takeValue(args: readonly string[], index: number): string | undefined {
  const next = args[index + 1];
  return next === undefined || next.startsWith('--') ? undefined : next;
}

/**
 * loadConfig names a command-line value by its property (`--intervalMs`); say it the way
 * the user typed it (`--interval-ms`).
 */
export function withFlagNames(error: ConfigError, flags = propagatorFlags()): ConfigError {
  const problems = error.problems.map((problem) => {
    const flag = flags.find((f) => problem.startsWith(`--${f.property}:`));
    return flag ? `--${flag.name}${problem.slice(flag.property.length + 2)}` : problem;
  });
  return new ConfigError(problems, CONFIG_NAME);
}
