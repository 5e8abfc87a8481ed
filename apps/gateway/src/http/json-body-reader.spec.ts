import type { IncomingMessage } from 'node:http';
import { isPlainJsonRequest, parseJsonBody } from './json-body-reader';

const parse = (text: string, maxDepth = 5) => parseJsonBody(Buffer.from(text, 'utf8'), maxDepth);

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('parseJsonBody', () => {
  it('parses an object or an array', () => {
    expect(parse('{"type":"a","n":[1,2]}')).toEqual({ ok: true, body: { type: 'a', n: [1, 2] } });
    expect(parse(' \n[{"type":"a"}]')).toEqual({ ok: true, body: [{ type: 'a' }] });
  });

  it('reads an empty body as an empty object, as body-parser does', () => {
    expect(parse('')).toEqual({ ok: true, body: {} });
  });

  it('drops a byte order mark, as body-parser decoding with iconv-lite does', () => {
    expect(parse('\uFEFF{"a":1}')).toEqual({ ok: true, body: { a: 1 } });
  });

  it('refuses a value that is not an object or array with JSON.parse wording at that value', () => {
    const result = parse(' 42');
    expect(result).toMatchObject({
      ok: false,
      error: { type: 'entity.parse.failed', status: 400 },
    });
    if (result.ok) throw new Error('unreachable');
    // The masked characters are shown as they were sent.
    expect(result.error.message).toContain('42');
    expect(result.error.message).not.toContain('#');
  });

  it('refuses malformed JSON with JSON.parse message', () => {
    let expected = '';
    try {
      JSON.parse('{"type": ');
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(parse('{"type": ')).toMatchObject({
      ok: false,
      error: { type: 'entity.parse.failed', message: expected },
    });
  });

  it('refuses a body nested deeper than the limit before parsing it', () => {
    // Malformed too: the depth is what is reported, as body-parser's verify runs first.
    expect(parse('{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}')).toMatchObject({
      ok: false,
      error: { type: 'entity.too.deep', message: 'request body is nested deeper than 5 levels' },
    });
  });
});

describe('isPlainJsonRequest', () => {
  const json = { 'content-type': 'application/json', 'content-length': '10' };

  it('takes JSON in UTF-8 of a declared length within the limit', () => {
    expect(isPlainJsonRequest(request(json), 10)).toBe(true);
    expect(
      isPlainJsonRequest(
        request({ ...json, 'content-type': 'Application/JSON; charset="UTF-8"' }),
        10,
      ),
    ).toBe(true);
    expect(isPlainJsonRequest(request({ ...json, 'content-encoding': 'identity' }), 10)).toBe(true);
  });

  it('leaves everything else to body-parser', () => {
    const cases: Array<Record<string, string>> = [
      { ...json, 'content-length': '11' },
      { 'content-type': 'application/json' },
      { ...json, 'content-type': 'application/json; charset=latin1' },
      { ...json, 'content-type': 'application/vnd.api+json' },
      { ...json, 'content-type': 'text/plain' },
      { ...json, 'content-encoding': 'gzip' },
      { 'content-length': '10' },
    ];
    for (const headers of cases) expect(isPlainJsonRequest(request(headers), 10)).toBe(false);
  });
});
