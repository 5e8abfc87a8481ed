import { readFileSync } from 'node:fs';
import { ConfigError } from '@app/config';
import {
  decodeEventMessage,
  DEFAULT_EVENT_LIMITS,
  DEFAULT_SEVERITY,
  MAX_TYPE_LENGTH,
  randomEventIds,
  SEVERITIES,
  Severity,
  TYPE_PATTERN,
} from '@app/contracts';
import { EventTemplate, ValueRange } from './event-template';
import { compileJson } from './json-writer';
import { JsonText } from './placeholders';

const TEMPLATE_FIELDS = ['type', 'severity', 'weight', 'value', 'payload', 'description'];
/** The original propagator's events file: a list of these, drawn with equal chances. */
const LEGACY_FIELDS = ['event_type', 'event_payload'];
const VALUE_FIELDS = ['min', 'max', 'decimals'];
const MAX_DECIMALS = 6;

/**
 * Reads and validates the templates file. Every problem of every template is reported at
 * once, naming the template's index and field, as a ConfigError, so runService prints one
 * clear message and the service exits before it connects to anything.
 */
export function loadTemplates(file: string): EventTemplate[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw templateError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw templateError(file, [`is not valid JSON: ${(error as Error).message}`]);
  }
  const { templates, problems } = compileTemplates(parsed);
  if (problems.length > 0) throw templateError(file, problems);
  return templates;
}

function templateError(file: string, problems: string[]): ConfigError {
  return new ConfigError(
    problems.map((problem) => `events file ${file}: ${problem}`),
    'PropagatorConfig',
  );
}

/** Validates parsed JSON as a list of templates and compiles the valid ones. */
export function compileTemplates(parsed: unknown): {
  templates: EventTemplate[];
  problems: string[];
} {
  if (!Array.isArray(parsed)) {
    return {
      templates: [],
      problems: [`must hold a JSON array of templates, got ${describe(parsed)}`],
    };
  }
  if (parsed.length === 0) {
    return { templates: [], problems: ['holds an empty array; it needs at least one template'] };
  }
  const problems: string[] = [];
  const templates: EventTemplate[] = [];
  parsed.forEach((entry, index) => {
    const own: string[] = [];
    const template = compileTemplate(entry, index, own);
    if (template && own.length === 0) checkRendersValidEvent(template, own);
    problems.push(...own);
    if (template && own.length === 0) templates.push(template);
  });
  return { templates, problems };
}

function compileTemplate(
  entry: unknown,
  index: number,
  problems: string[],
): EventTemplate | undefined {
  const at = `templates[${index}]`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${at} must be an object, got ${describe(entry)}`);
    return undefined;
  }
  const fields = entry as Record<string, unknown>;
  if ('event_type' in fields && !('type' in fields))
    return compileLegacyTemplate(fields, index, problems);
  checkUnknownFields(fields, TEMPLATE_FIELDS, at, problems);

  const type = checkType(fields.type, `${at}.type`, problems);
  const severity = checkSeverity(fields.severity, `${at}.severity`, problems);
  const weight = checkWeight(fields.weight, `${at}.weight`, problems);
  const value = checkValueRange(fields.value, `${at}.value`, problems);
  const payload = checkPayload(fields.payload, `${at}.payload`, problems);
  if (fields.description !== undefined && typeof fields.description !== 'string') {
    problems.push(`${at}.description must be a string, got ${describe(fields.description)}`);
  }
  if (type === undefined || severity === undefined || weight === undefined) return undefined;
  return new EventTemplate({ index, type, severity, weight, value, payload });
}

/** `{event_type, event_payload}`: the type, the payload as given, the default severity. */
function compileLegacyTemplate(
  fields: Record<string, unknown>,
  index: number,
  problems: string[],
): EventTemplate | undefined {
  const at = `templates[${index}]`;
  checkUnknownFields(fields, LEGACY_FIELDS, at, problems);
  const type = checkType(fields.event_type, `${at}.event_type`, problems);
  const payload = checkPayload(fields.event_payload, `${at}.event_payload`, problems);
  if (type === undefined) return undefined;
  return new EventTemplate({ index, type, severity: DEFAULT_SEVERITY, weight: 1, payload });
}

function checkUnknownFields(
  fields: Record<string, unknown>,
  allowed: string[],
  at: string,
  problems: string[],
): void {
  for (const field of Object.keys(fields)) {
    if (!allowed.includes(field)) {
      problems.push(`${at} has unknown field "${field}" (allowed: ${allowed.join(', ')})`);
    }
  }
}

function checkType(value: unknown, at: string, problems: string[]): string | undefined {
  if (value === undefined) {
    problems.push(`${at} is required`);
  } else if (typeof value !== 'string') {
    problems.push(`${at} must be a string, got ${describe(value)}`);
  } else if (value.length === 0 || value.length > MAX_TYPE_LENGTH) {
    problems.push(`${at} must be 1 to ${MAX_TYPE_LENGTH} characters long, got ${value.length}`);
  } else if (!TYPE_PATTERN.test(value)) {
    problems.push(
      `${at} may contain only letters, digits and . _ : / - (starting with a letter or digit), got ${JSON.stringify(value)}`,
    );
  } else {
    return value;
  }
  return undefined;
}

function checkSeverity(value: unknown, at: string, problems: string[]): Severity | undefined {
  if (value === undefined) {
    problems.push(`${at} is required (one of ${SEVERITIES.join(', ')})`);
    return undefined;
  }
  if (typeof value !== 'string' || !(SEVERITIES as readonly string[]).includes(value)) {
    problems.push(`${at} must be one of ${SEVERITIES.join(', ')}, got ${describe(value)}`);
    return undefined;
  }
  return value as Severity;
}

function checkWeight(value: unknown, at: string, problems: string[]): number | undefined {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    problems.push(`${at} must be a number greater than 0, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function checkValueRange(value: unknown, at: string, problems: string[]): ValueRange | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${at} must be an object {"min": number, "max": number}, got ${describe(value)}`);
    return undefined;
  }
  const range = value as Record<string, unknown>;
  const before = problems.length;
  checkUnknownFields(range, VALUE_FIELDS, at, problems);
  for (const bound of ['min', 'max'] as const) {
    const number = range[bound];
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      problems.push(`${at}.${bound} must be a number, got ${describe(number)}`);
    }
  }
  const decimals = range.decimals ?? 2;
  if (
    typeof decimals !== 'number' ||
    !Number.isInteger(decimals) ||
    decimals < 0 ||
    decimals > MAX_DECIMALS
  ) {
    problems.push(
      `${at}.decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${describe(decimals)}`,
    );
  }
  if (problems.length > before) return undefined;
  const min = range.min as number;
  const max = range.max as number;
  if (min > max) {
    problems.push(`${at}.min (${min}) must not be greater than ${at}.max (${max})`);
    return undefined;
  }
  return { min, max, decimals: decimals as number };
}

function checkPayload(value: unknown, at: string, problems: string[]): JsonText | undefined {
  if (value === undefined) return undefined;
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject && typeof value !== 'string') {
    problems.push(`${at} must be a JSON object or a string, got ${describe(value)}`);
    return undefined;
  }
  return compileJson(value, at, problems);
}

/**
 * Renders one event and runs it through the consumer's own decoder, so a template that
 * would be dead-lettered downstream (a payload over the size cap, a NUL character...) is
 * refused here, at start-up, instead of producing a stream of rejects.
 */
function checkRendersValidEvent(template: EventTemplate, problems: string[]): void {
  const value = template.render('client-1', new Date().toISOString(), Math.random);
  const result = decodeEventMessage(
    {
      topic: 'events',
      partition: 0,
      offset: '0',
      key: Buffer.from('client-1'),
      value: Buffer.from(value),
      timestamp: String(Date.now()),
    },
    DEFAULT_EVENT_LIMITS,
    randomEventIds,
  );
  if (!result.ok) {
    problems.push(
      `templates[${template.index}] renders an event the consumer would reject: ${result.reasons.join('; ')}`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${value}`;
    case 'undefined':
      return 'nothing';
    default:
      return `an ${typeof value}`;
  }
}
