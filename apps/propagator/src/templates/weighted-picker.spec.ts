import { seededRandom } from '../generation/random';
import { WeightedPicker } from './weighted-picker';

describe('WeightedPicker', () => {
  it('picks in proportion to the weights', () => {
    const picker = new WeightedPicker([
      { item: 'order', weight: 10 },
      { item: 'login', weight: 4 },
      { item: 'payment', weight: 2 },
      { item: 'cert', weight: 0.2 },
    ]);
    const random = seededRandom(42);
    const draws = 200_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const item = picker.pick(random);
      counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    const total = 16.2;
    for (const [item, weight] of [
      ['order', 10],
      ['login', 4],
      ['payment', 2],
      ['cert', 0.2],
    ] as const) {
      const expected = (draws * weight) / total;
      // Five standard deviations of a binomial: fails by chance about once in 3 million runs.
      const tolerance = 5 * Math.sqrt(expected * (1 - weight / total));
      expect(Math.abs(counts.get(item)! - expected)).toBeLessThan(tolerance);
    }
  });

  it('maps the unit interval onto the cumulative weights, edges included', () => {
    const picker = new WeightedPicker([
      { item: 'a', weight: 1 },
      { item: 'b', weight: 3 },
    ]);
    expect(picker.pick(() => 0)).toBe('a');
    expect(picker.pick(() => 0.2499)).toBe('a');
    expect(picker.pick(() => 0.25)).toBe('b');
    expect(picker.pick(() => 0.999999)).toBe('b');
  });

  it('always picks the only item', () => {
    const picker = new WeightedPicker([{ item: 'only', weight: 5 }]);
    expect(picker.pick(Math.random)).toBe('only');
  });

  it('refuses an empty list and non-positive weights', () => {
    expect(() => new WeightedPicker([])).toThrow('at least one item');
    expect(() => new WeightedPicker([{ item: 'a', weight: 0 }])).toThrow('greater than 0');
    expect(() => new WeightedPicker([{ item: 'a', weight: NaN }])).toThrow('greater than 0');
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const value = a();
      expect(value).toBe(b());
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
