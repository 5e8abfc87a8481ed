import { RuleMatcher } from './rule-matcher';

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
