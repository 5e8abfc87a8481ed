/**
 * Zeros already stored as doubles: a slice of it is a double array from the start. A window
 * stores timestamps and packed ids, none of them small integers, so an array made of small
 * integers would be converted (copied) to doubles by its first store, in the runtime.
 */
const DOUBLE_ZEROS: number[] = doubleZeros(8192);

function doubleZeros(length: number): number[] {
  const zeros = [0.5];
  for (let i = 0; i < length; i++) zeros[i] = 0.5;
  // Still an array of doubles: storing 0 into one does not change its kind.
  for (let i = 0; i < length; i++) zeros[i] = 0;
  return zeros;
}

/**
 * Arrays of an exact length for window storage, of doubles from the start (a slice of
 * DOUBLE_ZEROS, a plain copy); longer ones are filled by a plain loop: `Array.prototype.fill`
 * on a fresh `new Array(n)` (holey) runs in V8's C++ runtime.
 */
export function newNumbers(length: number): number[] {
  if (length <= DOUBLE_ZEROS.length) return DOUBLE_ZEROS.slice(0, length);
  const numbers = new Array<number>(length);
  for (let i = 0; i < length; i++) numbers[i] = 0;
  return numbers;
}

export function newIds(length: number): (string | null)[] {
  const ids = new Array<string | null>(length);
  for (let i = 0; i < length; i++) ids[i] = null;
  return ids;
}
