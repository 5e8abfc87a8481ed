import { RuleMatcher, typeGlobToRegExp } from './rule-matcher';

describe('typeGlobToRegExp', () => {
  it('lets * match any run of characters, dots included, and the empty run', () => {
    const glob = typeGlobToRegExp('payment.*');
    expect(glob.test('payment.exception')).toBe(true);
    expect(glob.test('payment.card.declined')).toBe(true);
    expect(glob.test('payment.')).toBe(true);
    expect(glob.test('payment')).toBe(false);
    expect(glob.test('payments.exception')).toBe(false);
    expect(glob.test('xpayment.exception')).toBe(false);
  });

  it('treats everything else literally: a dot is not "any character"', () => {
    const glob = typeGlobToRegExp('a.*.z');
    expect(glob.test('a.b.z')).toBe(true);
    expect(glob.test('a..z')).toBe(true);
    expect(glob.test('aXbXz')).toBe(false);
    expect(typeGlobToRegExp('*').test('anything:at/all')).toBe(true);
    expect(typeGlobToRegExp('*:cpu').test('host.metrics:cpu')).toBe(true);
    expect(typeGlobToRegExp('*:cpu').test('host.metrics:cpux')).toBe(false);
  });
});

describe('RuleMatcher', () => {
  const matcher = new RuleMatcher({
    types: ['login.failed', 'payment.*'],
    sources: ['api', 'web'],
    minSeverity: 'medium',
  });
  const event = { type: 'login.failed', source: 'api', severity: 'medium' as const };

  it('matches an exact type or a glob', () => {
    expect(matcher.matches(event)).toBe(true);
    expect(matcher.matches({ ...event, type: 'payment.refund.failed' })).toBe(true);
    expect(matcher.matches({ ...event, type: 'login.failed.twice' })).toBe(false);
    expect(matcher.exactTypes).toEqual(new Set(['login.failed']));
    expect(matcher.globs).toHaveLength(1);
  });

  it('requires a listed source when sources are given, any source otherwise', () => {
    expect(matcher.matches({ ...event, source: 'web' })).toBe(true);
    expect(matcher.matches({ ...event, source: 'batch' })).toBe(false);
    const anySource = new RuleMatcher({ types: ['x'], sources: [], minSeverity: 'low' });
    expect(anySource.matches({ type: 'x', source: 'batch', severity: 'low' })).toBe(true);
  });

  it('requires a severity at or above the minimum (low < medium < high < critical)', () => {
    expect(matcher.matches({ ...event, severity: 'low' })).toBe(false);
    expect(matcher.matches({ ...event, severity: 'high' })).toBe(true);
    expect(matcher.matches({ ...event, severity: 'critical' })).toBe(true);
  });
});
