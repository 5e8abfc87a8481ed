/** Where two parsed JSON values first differ, as a path and the two values there. */
export interface JsonDifference {
  path: string;
  old: unknown;
  new: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The first difference, depth first, or undefined when the values are equal. Object keys
 * compare as sets, in any order (JSON objects are unordered); array items in order.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): JsonDifference | undefined {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
    return a.length === b.length
      ? undefined
      : { path: `${path}.length`, old: a.length, new: b.length };
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      if (!(key in a) || !(key in b)) {
        return { path: `${path}.${key}`, old: a[key], new: b[key] };
      }
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return a === b ? undefined : { path, old: a, new: b };
}
