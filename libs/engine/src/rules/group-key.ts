import { GroupBy } from '@app/contracts';
import { EngineEvent } from '../engine-types';

/** The one key of a `groupBy: none` rule. */
export const WHOLE_RULE_KEY = '*';
/** The key of events whose payload lacks the grouping field (or holds an object there). */
export const MISSING_GROUP_KEY = '(missing)';
/** Keys come from producer data: a cap keeps one hostile payload from bloating every key. */
export const MAX_GROUP_KEY_LENGTH = 256;

export type GroupKeyOf = (event: Pick<EngineEvent, 'source' | 'payload'>) => string;

export function compileGroupKey(groupBy: GroupBy): GroupKeyOf {
  if (groupBy === 'source') return (event) => event.source;
  if (groupBy === 'none') return () => WHOLE_RULE_KEY;
  const path = groupBy.slice('payload.'.length).split('.');
  return (event) => payloadKey(event.payload, path);
}

function payloadKey(payload: EngineEvent['payload'], path: readonly string[]): string {
  let node: unknown = payload;
  for (const field of path) {
    // Own properties only, so "constructor" or "__proto__" never reach Object.prototype.
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return MISSING_GROUP_KEY;
    if (!Object.prototype.hasOwnProperty.call(node, field)) return MISSING_GROUP_KEY;
    node = (node as Record<string, unknown>)[field];
  }
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') {
    return String(node).slice(0, MAX_GROUP_KEY_LENGTH);
  }
  return MISSING_GROUP_KEY;
}
