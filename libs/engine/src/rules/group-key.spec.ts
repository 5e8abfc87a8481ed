import { compileGroupKey, MISSING_GROUP_KEY } from './group-key';

const event = (payload: Record<string, unknown> | string | null) => ({ source: 'api-1', payload });

describe('compileGroupKey', () => {
  it('groups by source, or everything under "*" for groupBy none', () => {
    expect(compileGroupKey('source')(event(null))).toBe('api-1');
    expect(compileGroupKey('none')(event({ a: 1 }))).toBe('*');
  });

  it('walks a payload path to a string, number or boolean leaf', () => {
    const byClient = compileGroupKey('payload.client.id');
    expect(byClient(event({ client: { id: 'c-42' } }))).toBe('c-42');
    expect(byClient(event({ client: { id: 42 } }))).toBe('42');
    expect(byClient(event({ client: { id: 1.5 } }))).toBe('1.5');
    expect(byClient(event({ client: { id: false } }))).toBe('false');
  });

  it('gives "(missing)" for a missing field, an object or null leaf, a string payload or an array on the way', () => {
    const byClient = compileGroupKey('payload.client.id');
    expect(byClient(event({}))).toBe(MISSING_GROUP_KEY);
    expect(byClient(event({ client: 'c-42' }))).toBe(MISSING_GROUP_KEY);
    expect(byClient(event({ client: { id: { deep: 1 } } }))).toBe(MISSING_GROUP_KEY);
    expect(byClient(event({ client: { id: null } }))).toBe(MISSING_GROUP_KEY);
    expect(byClient(event({ client: [{ id: 'x' }] }))).toBe(MISSING_GROUP_KEY);
    expect(byClient(event('client.id=c-42'))).toBe(MISSING_GROUP_KEY);
    expect(byClient(event(null))).toBe(MISSING_GROUP_KEY);
  });

  it('never reads inherited properties', () => {
    expect(compileGroupKey('payload.constructor')(event({}))).toBe(MISSING_GROUP_KEY);
    expect(compileGroupKey('payload.a.toString')(event({ a: {} }))).toBe(MISSING_GROUP_KEY);
  });

  it('truncates a long leaf to 256 characters', () => {
    const key = compileGroupKey('payload.k')(event({ k: 'x'.repeat(10_000) }));
    expect(key).toBe('x'.repeat(256));
  });
});
