import { isNestedDeeperThan } from './json-depth';
import { decodeDeliveryRecord, decodeLifecycleMessage } from './notification-decoder';
import { decodeRuleMessage } from './rule-decoder';

const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('isNestedDeeperThan', () => {
  it('counts arrays and objects, as text or as UTF-8 bytes', () => {
    const text = '{"a":[{"b":[1]}],"c":{}}';
    for (const json of [text, Buffer.from(text)]) {
      expect(isNestedDeeperThan(json, 4)).toBe(false);
      expect(isNestedDeeperThan(json, 3)).toBe(true);
    }
  });

  it('ignores brackets inside strings and keys, escaped quotes and backslashes included', () => {
    const json = JSON.stringify({ '[[[': '{{{\\"[[[', b: '\\', c: ['"[[['] });
    expect(isNestedDeeperThan(json, 2)).toBe(false);
    expect(isNestedDeeperThan(json, 1)).toBe(true);
  });

  it('tells many shallow brackets from deep ones', () => {
    const siblings = `[${Array.from({ length: 50 }, () => '[{}]').join(',')}]`;
    for (const json of [siblings, Buffer.from(siblings)]) {
      expect(isNestedDeeperThan(json, 3)).toBe(false);
      expect(isNestedDeeperThan(json, 2)).toBe(true);
    }
  });

  it('scans 100,000 levels in one pass without recursion', () => {
    expect(isNestedDeeperThan(arrays(100_000), 99_999)).toBe(true);
    expect(isNestedDeeperThan(arrays(100_000), 100_000)).toBe(false);
  });

  it('treats a multi-byte UTF-8 character as text', () => {
    expect(isNestedDeeperThan(Buffer.from('["€[", "😀"]'), 1)).toBe(false);
  });
});

describe('rule and notification decoders refuse deep nesting before parsing', () => {
  const deep = `{"id":"r","match":${'{"k":'.repeat(5000)}1${'}'.repeat(5000)}}`;
  it.each([
    ['rule', () => decodeRuleMessage(deep)],
    ['notification', () => decodeLifecycleMessage(Buffer.from(deep))],
    ['delivery record', () => decodeDeliveryRecord(Buffer.from(deep))],
  ])('%s', (what, decode) => {
    expect(decode()).toEqual({ ok: false, reasons: [`${what} is nested deeper than 16 levels`] });
  });
});
