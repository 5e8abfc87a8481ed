/**
 * Picks items at random in proportion to their weights: one uniform draw and a binary
 * search over the cumulative weights, so it stays cheap with many templates.
 */
export class WeightedPicker<T> {
  private readonly items: readonly T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly { item: T; weight: number }[]) {
    if (entries.length === 0) throw new Error('WeightedPicker needs at least one item');
    let sum = 0;
    this.cumulative = entries.map(({ weight }) => {
      if (!(weight > 0) || !Number.isFinite(weight)) {
        throw new Error(`weights must be finite and greater than 0, got ${weight}`);
      }
      return (sum += weight);
    });
    this.items = entries.map(({ item }) => item);
    this.total = sum;
  }

  /** `random` returns a number in [0, 1), like Math.random. */
  pick(random: () => number): T {
    const target = random() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (target < this.cumulative[middle]) high = middle;
      else low = middle + 1;
    }
    return this.items[low];
  }
}
