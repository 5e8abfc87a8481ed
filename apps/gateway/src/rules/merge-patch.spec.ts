import { mergePatch } from './merge-patch';

describe('mergePatch (RFC 7396)', () => {
  const rule = {
    name: 'a',
    enabled: true,
    condition: { aggregate: 'count', threshold: 5 },
    channels: [{ type: 'console' }],
  };

  it('merges nested objects key by key', () => {
    expect(mergePatch(rule, { condition: { threshold: 7 } })).toEqual({
      ...rule,
      condition: { aggregate: 'count', threshold: 7 },
    });
  });

  it('replaces arrays and scalars, and removes keys set to null', () => {
    expect(mergePatch(rule, { enabled: false, channels: [], name: null })).toEqual({
      enabled: false,
      condition: rule.condition,
      channels: [],
    });
  });

  it('leaves the target untouched', () => {
    mergePatch(rule, { condition: { threshold: 1 } });
    expect(rule.condition.threshold).toBe(5);
  });
});
