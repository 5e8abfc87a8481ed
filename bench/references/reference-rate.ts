/** What a reference line measured: how many rows or messages, over how long. */
export interface ReferenceRate {
  count: number;
  seconds: number;
  /** count / seconds */
  rate: number;
}

export const referenceRate = (count: number, seconds: number): ReferenceRate => ({
  count,
  seconds,
  rate: count / seconds,
});
