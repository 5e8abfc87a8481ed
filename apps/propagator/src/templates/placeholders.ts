import { randomUUID } from 'node:crypto';

/** What a placeholder can draw on when one event is rendered. */
export interface RenderContext {
  source: string;
  type: string;
  /** The event's occurredAt, ISO-8601: one clock read per batch, not per placeholder. */
  now: string;
  random: () => number;
}

type Renderer = (context: RenderContext) => string | number;

/**
 * The JSON text of a value: a string when it is the same for every event (rendered once at
 * start-up), a function when it holds placeholders.
 */
export type JsonText = string | ((context: RenderContext) => string);

export const PLACEHOLDER_SYNTAX =
  '{{source}}, {{type}}, {{uuid}}, {{now}}, {{int:MIN:MAX}}, {{float:MIN:MAX[:DECIMALS]}}, {{pick:A|B|C}}';

const PLACEHOLDER = /\{\{(.*?)\}\}/g;
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Compiles a template string once at start-up into its JSON text, so the hot path only
 * concatenates. A text that is exactly one numeric placeholder (`"{{int:1:500}}"`) becomes
 * a JSON number, so payloads can carry real numbers. Problems (unknown placeholder, bad
 * bounds) are appended to `problems`, prefixed with `where`, instead of thrown, so a file
 * reports all of them at once.
 */
export function compileText(text: string, where: string, problems: string[]): JsonText {
  const parts: (string | Renderer)[] = [];
  let numeric = false;
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const literal = text.slice(last, match.index);
    checkLiteral(literal, where, problems);
    if (literal) parts.push(literal);
    const compiled = compilePlaceholder(match[1].trim(), where, problems);
    parts.push(compiled.render);
    numeric = compiled.numeric;
    last = match.index + match[0].length;
  }
  const rest = text.slice(last);
  checkLiteral(rest, where, problems);
  if (rest) parts.push(rest);

  if (parts.every((part) => typeof part === 'string')) return JSON.stringify(text);
  if (parts.length === 1 && numeric) {
    const render = parts[0] as Renderer;
    return (context) => String(render(context));
  }
  return (context) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : String(part(context));
    return JSON.stringify(out);
  };
}

function checkLiteral(literal: string, where: string, problems: string[]): void {
  if (literal.includes('{{')) problems.push(`${where} has a "{{" without a closing "}}"`);
}

interface CompiledPlaceholder {
  render: Renderer;
  numeric: boolean;
}

const constant = (value: string): CompiledPlaceholder => ({ render: () => value, numeric: false });

function compilePlaceholder(body: string, where: string, problems: string[]): CompiledPlaceholder {
  const colon = body.indexOf(':');
  const name = colon >= 0 ? body.slice(0, colon) : body;
  const args = colon >= 0 ? body.slice(colon + 1) : undefined;
  const bad = (why: string): CompiledPlaceholder => {
    problems.push(`${where}: placeholder {{${body}}} ${why}`);
    return constant('');
  };

  switch (name) {
    case 'source':
    case 'type':
    case 'uuid':
    case 'now':
      if (args !== undefined) return bad('takes no arguments');
      if (name === 'source') return { render: (c) => c.source, numeric: false };
      if (name === 'type') return { render: (c) => c.type, numeric: false };
      if (name === 'uuid') return { render: () => randomUUID(), numeric: false };
      return { render: (c) => c.now, numeric: false };

    case 'int': {
      const [min, max, extra] = (args ?? '').split(':');
      if (extra !== undefined || !INTEGER.test(min ?? '') || !INTEGER.test(max ?? '')) {
        return bad('must be {{int:MIN:MAX}} with integer bounds, e.g. {{int:1:500}}');
      }
      const low = Number(min);
      const high = Number(max);
      if (low > high) return bad(`has MIN ${low} greater than MAX ${high}`);
      return { render: (c) => randomInt(low, high, c.random), numeric: true };
    }

    case 'float': {
      const [min, max, decimals = '2', extra] = (args ?? '').split(':');
      if (
        extra !== undefined ||
        !NUMBER.test(min ?? '') ||
        !NUMBER.test(max ?? '') ||
        !/^\d$/.test(decimals)
      ) {
        return bad('must be {{float:MIN:MAX}} or {{float:MIN:MAX:DECIMALS}}, e.g. {{float:0:1:3}}');
      }
      const low = Number(min);
      const high = Number(max);
      if (low > high) return bad(`has MIN ${low} greater than MAX ${high}`);
      const places = Number(decimals);
      return { render: (c) => randomFloat(low, high, places, c.random), numeric: true };
    }

    case 'pick': {
      const options = (args ?? '').split('|');
      if (args === undefined || options.some((option) => option === '')) {
        return bad('must list non-empty choices separated by |, e.g. {{pick:visa|mastercard}}');
      }
      return { render: (c) => options[Math.floor(c.random() * options.length)], numeric: false };
    }

    default:
      return bad(`is unknown; use ${PLACEHOLDER_SYNTAX}`);
  }
}

/** Uniform integer in [min, max], both inclusive. */
export function randomInt(min: number, max: number, random: () => number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Uniform number in [min, max], rounded to `decimals` places. */
export function randomFloat(
  min: number,
  max: number,
  decimals: number,
  random: () => number,
): number {
  const factor = 10 ** decimals;
  return Math.round((min + random() * (max - min)) * factor) / factor;
}
