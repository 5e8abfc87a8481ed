import { Prng } from '../testing/prng';
import { TypeGlob } from './type-glob';

const glob = (pattern: string) => new TypeGlob(pattern);

/** The old compilation, as a reference for short inputs only (it backtracks exponentially). */
function referenceRegExp(pattern: string): RegExp {
  const literal = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 's');
}

describe('TypeGlob', () => {
  it('lets * match any run of characters, dots included, and the empty run', () => {
    const payments = glob('payment.*');
    expect(payments.test('payment.exception')).toBe(true);
    expect(payments.test('payment.card.declined')).toBe(true);
    expect(payments.test('payment.')).toBe(true);
    expect(payments.test('payment')).toBe(false);
    expect(payments.test('payments.exception')).toBe(false);
    expect(payments.test('xpayment.exception')).toBe(false);
  });

  it('treats everything else literally: a dot is not "any character"', () => {
    const around = glob('a.*.z');
    expect(around.test('a.b.z')).toBe(true);
    expect(around.test('a..z')).toBe(true);
    expect(around.test('aXbXz')).toBe(false);
    expect(glob('*').test('anything:at/all')).toBe(true);
    expect(glob('*').test('')).toBe(true);
    expect(glob('*:cpu').test('host.metrics:cpu')).toBe(true);
    expect(glob('*:cpu').test('host.metrics:cpux')).toBe(false);
  });

  it('does not let the prefix and the suffix share characters', () => {
    expect(glob('ab*ba').test('aba')).toBe(false);
    expect(glob('ab*ba').test('abba')).toBe(true);
    expect(glob('a*b*a').test('aba')).toBe(true);
    expect(glob('a*b*a').test('ab')).toBe(false);
    expect(glob('**').test('x')).toBe(true);
  });

  it('answers like the regular expression it replaces, on random short patterns and types', () => {
    const random = new Prng(12);
    const alphabet = ['a', 'b', '.', '*'];
    for (let i = 0; i < 5000; i++) {
      const pattern =
        '*' + Array.from({ length: random.int(0, 6) }, () => random.pick(alphabet)).join('');
      const reordered = random.chance(0.5) ? pattern.slice(1) + '*' : pattern;
      const type = Array.from({ length: random.int(0, 10) }, () =>
        random.pick(['a', 'b', '.']),
      ).join('');
      expect([reordered, type, glob(reordered).test(type)]).toEqual([
        reordered,
        type,
        referenceRegExp(reordered).test(type),
      ]);
    }
  });

  it('matches pathological globs in linear time (a RegExp took 2 s on the first one)', () => {
    const started = performance.now();
    expect(glob('*a*a*a*a*a*a*a*b').test('a'.repeat(40))).toBe(false);
    expect(glob('*a'.repeat(30) + '*b').test('a'.repeat(10_000))).toBe(false);
    expect(glob('*a'.repeat(30) + '*b').test('a'.repeat(10_000) + 'b')).toBe(true);
    const elapsed = performance.now() - started;
    // Generous bound, so a loaded machine does not flake: the regex never finished in it.
    expect(elapsed).toBeLessThan(200);
  });
});
