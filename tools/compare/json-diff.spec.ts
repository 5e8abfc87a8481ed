import { firstDifference } from './json-diff';

describe('firstDifference', () => {
  it('finds none between equal values, whatever the order of object keys', () => {
    expect(
      firstDifference({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }),
    ).toBeUndefined();
  });

  it('names the path of the first differing value', () => {
    expect(
      firstDifference(
        { points: [{ count: 1 }, { count: 2 }] },
        { points: [{ count: 1 }, { count: 3 }] },
      ),
    ).toEqual({
      path: '$.points[1].count',
      old: 2,
      new: 3,
    });
  });

  it('tells a missing key, a longer array and another type', () => {
    expect(firstDifference({ a: 1 }, {})).toEqual({ path: '$.a', old: 1, new: undefined });
    expect(firstDifference([1], [1, 2])).toEqual({ path: '$.length', old: 1, new: 2 });
    expect(firstDifference({ a: '1' }, { a: 1 })).toEqual({ path: '$.a', old: '1', new: 1 });
    expect(firstDifference({ a: null }, { a: {} })).toEqual({ path: '$.a', old: null, new: {} });
  });
});
