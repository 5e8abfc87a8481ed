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
});
