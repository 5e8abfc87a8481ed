import { RecentAnswers } from './recent-answers';

describe('RecentAnswers', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('reuses an answer until it is ttl old, then asks again', async () => {
    const answers = new RecentAnswers(5_000, 10, clock);
    let asked = 0;
    const ask = () => answers.get('q', () => Promise.resolve(++asked));
    expect(await ask()).toBe(1);
    now += 4_999;
    expect(await ask()).toBe(1);
    now += 1;
    expect(await ask()).toBe(2);
    expect(asked).toBe(2);
  });

  it('asks again for answers it was told to forget, and only those', async () => {
    const answers = new RecentAnswers(5_000, 10, clock);
    let asked = 0;
    const ask = (question: string) => answers.get(question, () => Promise.resolve(++asked));
    expect([await ask('a'), await ask('b'), await ask('c')]).toEqual([1, 2, 3]);
    answers.forgetAll(['a', 'c', 'never asked']);
    expect([await ask('a'), await ask('b'), await ask('c')]).toEqual([4, 2, 5]);
  });

  it('answers different questions separately', async () => {
    const answers = new RecentAnswers(5_000, 10, clock);
    expect(await answers.get('a', () => Promise.resolve('A'))).toBe('A');
    expect(await answers.get('b', () => Promise.resolve('B'))).toBe('B');
    expect(await answers.get('a', () => Promise.resolve('other'))).toBe('A');
  });

  it('runs one query for identical questions asked at the same time', async () => {
    const answers = new RecentAnswers(5_000, 10, clock);
    let asked = 0;
    let finish: (value: number) => void = () => undefined;
    const slow = () => {
      asked++;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const first = answers.get('q', slow);
    const second = answers.get('q', slow);
    finish(42);
    expect(await Promise.all([first, second])).toEqual([42, 42]);
    expect(asked).toBe(1);
  });

  it('forgets a failure at once', async () => {
    const answers = new RecentAnswers(5_000, 10, clock);
    await expect(answers.get('q', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await answers.get('q', () => Promise.resolve('up'))).toBe('up');
  });

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const answers = new RecentAnswers(5_000, 2, clock);
    for (const question of ['a', 'b', 'c']) {
      await answers.get(question, () => Promise.resolve(question));
    }
    expect(await answers.get('a', () => Promise.resolve('again'))).toBe('again');
    expect(await answers.get('c', () => Promise.resolve('again'))).toBe('c');
  });

  it('asks every time when the ttl is 0', async () => {
    const answers = new RecentAnswers(0, 10, clock);
    let asked = 0;
    await answers.get('q', () => Promise.resolve(++asked));
    await answers.get('q', () => Promise.resolve(++asked));
    expect(asked).toBe(2);
  });

  describe('getMany', () => {
    const byName = (q: string) => q;

    it('asks only for what it does not know, all in one call, once per question', async () => {
      const answers = new RecentAnswers(5_000, 100, clock);
      const calls: string[][] = [];
      const upper = (missing: string[]) => {
        calls.push(missing);
        return Promise.resolve(missing.map((q) => q.toUpperCase()));
      };
      expect(await answers.getMany(['a', 'b'], byName, upper)).toEqual(['A', 'B']);
      expect(await answers.getMany(['b', 'c', 'a', 'c', 'd'], byName, upper)).toEqual([
        'B',
        'C',
        'A',
        'C',
        'D',
      ]);
      expect(calls).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      now += 5_000;
      await answers.getMany(['a', 'c'], byName, upper);
      expect(calls[2]).toEqual(['a', 'c']);
    });

    it('shares a batch still being answered with a later overlapping call', async () => {
      const answers = new RecentAnswers(5_000, 100, clock);
      let asked = 0;
      let finish: () => void = () => undefined;
      const slow = (missing: string[]) => {
        asked += missing.length;
        return new Promise<string[]>((resolve) => (finish = () => resolve(missing)));
      };
      const first = answers.getMany(['a', 'b'], byName, slow);
      const finishFirst = finish;
      const second = answers.getMany(['b', 'c'], byName, slow);
      finishFirst();
      finish();
      expect(await Promise.all([first, second])).toEqual([
        ['a', 'b'],
        ['b', 'c'],
      ]);
      expect(asked).toBe(3);
    });

    it('forgets every question of a failed batch', async () => {
      const answers = new RecentAnswers(5_000, 100, clock);
      await expect(
        answers.getMany(['a', 'b'], byName, () => Promise.reject(new Error('down'))),
      ).rejects.toThrow('down');
      expect(await answers.getMany(['b'], byName, (m) => Promise.resolve(m))).toEqual(['b']);
    });

    it('keys questions with keyOf', async () => {
      const answers = new RecentAnswers(5_000, 100, clock);
      const double = (missing: { n: number }[]) => Promise.resolve(missing.map((q) => q.n * 2));
      await answers.getMany([{ n: 1 }], (q) => String(q.n), double);
      expect(
        await answers.getMany(
          [{ n: 1 }, { n: 2 }],
          (q) => String(q.n),
          () => Promise.resolve([-1]),
        ),
      ).toEqual([2, -1]);
    });

    it('asks for everything when the ttl is 0', async () => {
      const answers = new RecentAnswers(0, 100, clock);
      const seen: string[][] = [];
      const echo = (missing: string[]) => (seen.push(missing), Promise.resolve(missing));
      await answers.getMany(['a'], byName, echo);
      await answers.getMany(['a'], byName, echo);
      expect(seen).toEqual([['a'], ['a']]);
    });
  });

  it('weighs answers once known and drops the oldest past maxWeight', async () => {
    const answers = new RecentAnswers(5_000, 10, clock, (answer) => (answer as string).length);
    await answers.get('a', () => Promise.resolve('xxxx'));
    await answers.get('b', () => Promise.resolve('xxxx'));
    // 4 + 4 + 4 > 10: 'a' goes.
    await answers.get('c', () => Promise.resolve('xxxx'));
    expect(await answers.get('b', () => Promise.resolve('again'))).toBe('xxxx');
    expect(await answers.get('a', () => Promise.resolve('again'))).toBe('again');
  });

  it('spreads lifetimes between (1 - spread) x ttl and ttl', async () => {
    const draws = [0, 0.5, 1];
    const answers = new RecentAnswers(6_000, 10, clock, undefined, 0.5, () => draws.shift() ?? 0);
    for (const question of ['6 s', '4.5 s', '3 s']) {
      await answers.get(question, () => Promise.resolve('first'));
    }
    const known = async (question: string) =>
      (await answers.get(question, () => Promise.resolve('again'))) === 'first';
    now += 2_999;
    expect([await known('6 s'), await known('4.5 s'), await known('3 s')]).toEqual([
      true,
      true,
      true,
    ]);
    now += 1;
    expect(await known('3 s')).toBe(false);
    now += 1_499;
    expect(await known('4.5 s')).toBe(true);
    now += 1;
    expect(await known('4.5 s')).toBe(false);
    expect(await known('6 s')).toBe(true);
    now += 1_500;
    expect(await known('6 s')).toBe(false);
  });
});
