import { sourceIds } from '../generation/source-ids';
import { splitLoad } from './load-share';

const seven = sourceIds('client-', 7);

describe('splitLoad', () => {
  it('gives every source to exactly one worker', () => {
    const shares = splitLoad(seven, 3, 0, undefined, 500);
    expect(shares.map((s) => s.sources)).toEqual([
      ['client-1', 'client-4', 'client-7'],
      ['client-2', 'client-5'],
      ['client-3', 'client-6'],
    ]);
    expect(shares.every((s) => s.count === undefined && s.batchSize === 500)).toBe(true);
  });

  it('splits rate and count by sources, and the counts add up exactly', () => {
    const shares = splitLoad(seven, 2, 7000, 1_000_001, 1000);
    expect(shares.map((s) => s.rate)).toEqual([4000, 3000]);
    expect(shares.map((s) => s.count)).toEqual([571429, 428572]);
    for (const count of [1, 2, 5, 7, 8, 999, 5000, 1_000_000]) {
      for (const workers of [1, 2, 3, 4, 16]) {
        const total = splitLoad(seven, workers, 0, count, 10).reduce((n, s) => n + s.count!, 0);
        expect(total).toBe(count);
      }
    }
  });

  it('never starts more workers than sources or events', () => {
    expect(splitLoad(seven, 16, 0, undefined, 1)).toHaveLength(7);
    expect(splitLoad(seven, 4, 0, 2, 1)).toHaveLength(2);
    expect(splitLoad(['only'], 4, 100, 10, 1)).toEqual([
      { sources: ['only'], rate: 100, count: 10, batchSize: 1 },
    ]);
  });
});
