/**
 * Small validators shared by the rule and notification decoders. Each one either returns the
 * checked value or records a reason naming the field, so a decoder reports every problem at
 * once instead of the first.
 */
import { isNestedDeeperThan } from './json-depth';

export type Reasons = string[];

/**
 * Rules and lifecycle messages nest at most 4 levels (incident -> channels -> channel ->
 * headers); deeper text is refused before it is parsed, so nothing downstream has to walk it.
 */
export const MAX_MESSAGE_DEPTH = 16;

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rejectUnknownFields(
  object: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  reasons: Reasons,
): void {
  const unknown = Object.keys(object).filter((field) => !allowed.includes(field));
  if (unknown.length > 0) {
    reasons.push(
      `${path ? `${path}: ` : ''}unknown field${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 10)
        .map((f) => JSON.stringify(f))
        .join(', ')} (allowed: ${allowed.join(', ')})`,
    );
  }
}

export function checkString(
  value: unknown,
  field: string,
  reasons: Reasons,
  options: { min?: number; max: number; pattern?: RegExp; patternHint?: string },
): string | undefined {
  if (typeof value !== 'string') {
    reasons.push(`"${field}" must be a string, got ${describe(value)}`);
    return undefined;
  }
  const min = options.min ?? 1;
  if (value.length < min || value.length > options.max) {
    reasons.push(`"${field}" must be ${min} to ${options.max} characters, got ${value.length}`);
    return undefined;
  }
  if (options.pattern && !options.pattern.test(value)) {
    reasons.push(`"${field}" ${options.patternHint ?? `must match ${options.pattern}`}`);
    return undefined;
  }
  return value;
}

export function checkEnum<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  reasons: Reasons,
): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  reasons.push(`"${field}" must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  return undefined;
}

export function checkNumber(
  value: unknown,
  field: string,
  reasons: Reasons,
  options: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    reasons.push(`"${field}" must be a finite number, got ${describe(value)}`);
    return undefined;
  }
  if (options.integer && !Number.isInteger(value)) {
    reasons.push(`"${field}" must be a whole number, got ${value}`);
    return undefined;
  }
  if (
    (options.min !== undefined && value < options.min) ||
    (options.max !== undefined && value > options.max)
  ) {
    reasons.push(`"${field}" must be between ${options.min} and ${options.max}, got ${value}`);
    return undefined;
  }
  return value;
}

export function checkBoolean(value: unknown, field: string, reasons: Reasons): boolean | undefined {
  if (typeof value === 'boolean') return value;
  reasons.push(`"${field}" must be true or false, got ${describe(value)}`);
  return undefined;
}

export function checkStringArray(
  value: unknown,
  field: string,
  reasons: Reasons,
  options: { maxItems: number; item: (item: unknown, field: string) => string | undefined },
): string[] | undefined {
  if (!Array.isArray(value)) {
    reasons.push(`"${field}" must be an array, got ${describe(value)}`);
    return undefined;
  }
  if (value.length > options.maxItems) {
    reasons.push(`"${field}" has ${value.length} items, at most ${options.maxItems} allowed`);
    return undefined;
  }
  const items = value.map((item, index) => options.item(item, `${field}[${index}]`));
  return items.every((item) => item !== undefined) ? items : undefined;
}

/** An ISO-8601 instant with a zone, as every timestamp in our messages is written. */
export function checkInstant(
  value: unknown,
  field: string,
  reasons: Reasons,
  nullable = false,
): string | null | undefined {
  if (nullable && value === null) return null;
  if (typeof value === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    if (!Number.isNaN(Date.parse(value))) return value;
  }
  reasons.push(
    `"${field}" must be an ISO-8601 date-time with a zone${nullable ? ' or null' : ''}, got ${describe(value)}`,
  );
  return undefined;
}

/** Parses a Kafka value as one JSON object, or says why it is not one. */
export function parseJsonObjectValue(
  value: Buffer | string | null,
  what: string,
): { ok: true; object: Record<string, unknown> } | { ok: false; reasons: string[] } {
  if (value === null) return { ok: false, reasons: [`${what} is empty (null value)`] };
  if (isNestedDeeperThan(value, MAX_MESSAGE_DEPTH)) {
    return { ok: false, reasons: [`${what} is nested deeper than ${MAX_MESSAGE_DEPTH} levels`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    return { ok: false, reasons: [`${what} is not valid JSON: ${(error as Error).message}`] };
  }
  if (!isPlainObject(parsed)) {
    return { ok: false, reasons: [`${what} must be a JSON object, got ${describe(parsed)}`] };
  }
  return { ok: true, object: parsed };
}
