/**
 * Arrays of an exact length for window storage, filled by a plain loop: `Array.prototype.fill`
 * on a fresh `new Array(n)` (holey) runs in V8's C++ runtime, which cost more per event than
 * the rest of the growth.
 */
export function newNumbers(length: number): number[] {
  const numbers = new Array<number>(length);
  for (let i = 0; i < length; i++) numbers[i] = 0;
  return numbers;
}

export function newIds(length: number): (string | null)[] {
  const ids = new Array<string | null>(length);
  for (let i = 0; i < length; i++) ids[i] = null;
  return ids;
}
