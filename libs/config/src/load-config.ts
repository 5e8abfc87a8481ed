import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { envBindingsOf } from './env.decorator';

export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    configName: string,
  ) {
    super(`Invalid ${configName} configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** A YAML file of property values; environment variables override it. */
  yamlFile?: string;
  /**
   * Rewrites the YAML file's settings before they are checked, for keys kept from an older
   * format (aliases); it throws a ConfigError for what it cannot map.
   */
  mapYaml?: (settings: Record<string, unknown>, file: string) => Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Explicit values that override both (command-line flags). */
  overrides?: Record<string, unknown>;
}

/**
 * Builds and validates a config object: class defaults, then the YAML file, then the
 * environment, then explicit overrides. Every problem is reported at once, naming the
 * variable that set it, so a misconfigured service fails at start-up with one clear message.
 */
export function loadConfig<T extends object>(
  configClass: new () => T,
  options: LoadConfigOptions = {},
): T {
  const env = options.env ?? process.env;
  const bindings = envBindingsOf(configClass);
  const origin = new Map<string, string>();
  const values: Record<string, unknown> = {};

  if (options.yamlFile) {
    const read = readYaml(options.yamlFile, configClass.name);
    const fromFile = options.mapYaml ? options.mapYaml(read, options.yamlFile) : read;
    const known = new Set(Object.keys(new configClass()).concat(bindings.map((b) => b.property)));
    const unknown = Object.keys(fromFile).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new ConfigError(
        unknown.map((key) => `${options.yamlFile}: unknown setting "${key}"`),
        configClass.name,
      );
    }
    for (const [key, value] of Object.entries(fromFile)) {
      values[key] = value;
      origin.set(key, `${key} in ${options.yamlFile}`);
    }
  }
  for (const binding of bindings) {
    const raw = env[binding.variable];
    if (raw === undefined || raw === '') continue;
    values[binding.property] = raw;
    origin.set(binding.property, binding.variable);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    values[key] = value;
    origin.set(key, `--${key}`);
  }

  const config = plainToInstance(configClass, values, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    // A setting that is missing rather than wrong is named by its variable too.
    for (const binding of bindings) {
      if (!origin.has(binding.property))
        origin.set(binding.property, `${binding.variable} (not set)`);
    }
    throw new ConfigError(describeErrors(errors, origin), configClass.name);
  }
  return config;
}

function readYaml(file: string, configName: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      [`cannot read config file ${file}: ${(error as Error).message}`],
      configName,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${file} is not valid YAML: ${(error as Error).message}`], configName);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`${file} must hold a mapping of settings`], configName);
  }
  return parsed as Record<string, unknown>;
}

function describeErrors(errors: ValidationError[], origin: Map<string, string>): string[] {
  return errors.map((error) => {
    const where = origin.get(error.property) ?? `${error.property} (default)`;
    const messages = Object.values(error.constraints ?? {}).join('; ');
    return `${where}: ${messages}`;
  });
}
