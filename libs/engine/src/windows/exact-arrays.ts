/**
 * An array of `length` nulls, filled by a plain loop: `Array.prototype.fill` on a fresh
 * `new Array(n)` (holey) runs in V8's C++ runtime.
 */
export function newIds(length: number): (string | null)[] {
  const ids = new Array<string | null>(length);
  for (let i = 0; i < length; i++) ids[i] = null;
  return ids;
}
