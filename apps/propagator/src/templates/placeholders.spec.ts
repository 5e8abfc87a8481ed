import { compileJson, renderJson } from './json-writer';
import { compileText, randomFloat, randomInt, RenderContext } from './placeholders';

const context: RenderContext = {
  source: 'client-3',
  type: 'payment.exception',
  now: '2026-11-23T10:00:00.000Z',
  random: () => 0.5,
};

function render(text: string, ctx: RenderContext = context): unknown {
  const problems: string[] = [];
  const compiled = compileText(text, 'templates[0].payload.x', problems);
  expect(problems).toEqual([]);
  return JSON.parse(renderJson(compiled, ctx));
}

function problemsOf(text: string): string[] {
  const problems: string[] = [];
  compileText(text, 'templates[0].payload.x', problems);
  return problems;
}

describe('placeholders', () => {
  it('leaves text without placeholders as it is, compiled once', () => {
    const problems: string[] = [];
    expect(compileText('plain "quoted" text', 'x', problems)).toBe('"plain \\"quoted\\" text"');
    expect(problems).toEqual([]);
  });

  it('renders source, type, now and uuid', () => {
    expect(render('{{source}} raised {{type}} at {{now}}')).toBe(
      'client-3 raised payment.exception at 2026-11-23T10:00:00.000Z',
    );
    expect(render('{{ source }}')).toBe('client-3');
    expect(render('trace {{uuid}}')).toMatch(
      /^trace [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(render('{{uuid}}')).not.toBe(render('{{uuid}}'));
  });

  it('renders a text that is only a numeric placeholder as a JSON number', () => {
    expect(render('{{int:1:500}}')).toBe(251);
    expect(render('{{float:0:1:3}}')).toBe(0.5);
    expect(render('id-{{int:1:500}}')).toBe('id-251');
  });

  it('draws int bounds inclusively and pick choices uniformly', () => {
    expect(render('{{int:1:3}}', { ...context, random: () => 0 })).toBe(1);
    expect(render('{{int:1:3}}', { ...context, random: () => 0.9999 })).toBe(3);
    expect(render('{{int:-5:-5}}')).toBe(-5);
    expect(render('{{pick:a|b|c}}', { ...context, random: () => 0 })).toBe('a');
    expect(render('{{pick:a|b|c}}', { ...context, random: () => 0.5 })).toBe('b');
    expect(render('{{pick:a|b|c}}', { ...context, random: () => 0.99 })).toBe('c');
    expect(render('{{pick:GET /users/:id|POST /users}}', { ...context, random: () => 0 })).toBe(
      'GET /users/:id',
    );
  });

  it('escapes rendered values so the JSON stays valid', () => {
    expect(render('{{source}}', { ...context, source: 'a"b\\c' })).toBe('a"b\\c');
  });

  it.each([
    ['{{nope}}', 'placeholder {{nope}} is unknown; use {{source}}, {{type}}, {{uuid}}, {{now}}'],
    ['{{int:5:1}}', 'placeholder {{int:5:1}} has MIN 5 greater than MAX 1'],
    ['{{int:1}}', 'placeholder {{int:1}} must be {{int:MIN:MAX}} with integer bounds'],
    ['{{int:a:b}}', 'placeholder {{int:a:b}} must be {{int:MIN:MAX}} with integer bounds'],
    ['{{int:1.5:3}}', 'placeholder {{int:1.5:3}} must be {{int:MIN:MAX}} with integer bounds'],
    ['{{float:2:1}}', 'placeholder {{float:2:1}} has MIN 2 greater than MAX 1'],
    ['{{pick:a||b}}', 'placeholder {{pick:a||b}} must list non-empty choices'],
    ['{{pick}}', 'placeholder {{pick}} must list non-empty choices'],
    ['{{source:x}}', 'placeholder {{source:x}} takes no arguments'],
    ['oops {{source', 'has a "{{" without a closing "}}"'],
  ])('rejects %s', (text, message) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('templates[0].payload.x');
    expect(problems[0]).toContain(message);
  });
});

describe('compileJson', () => {
  it('renders placeholders in nested strings and keeps every other value', () => {
    const problems: string[] = [];
    const compiled = compileJson(
      { a: '{{source}}', n: 3, nested: { list: ['{{int:1:1}}', true, null] }, fixed: 'x' },
      'p',
      problems,
    );
    expect(problems).toEqual([]);
    expect(JSON.parse(renderJson(compiled, context))).toEqual({
      a: 'client-3',
      n: 3,
      nested: { list: [1, true, null] },
      fixed: 'x',
    });
  });

  it('serialises a value without placeholders once, at compile time', () => {
    expect(compileJson({ a: [1, 'b'], c: { d: null } }, 'p', [])).toBe(
      '{"a":[1,"b"],"c":{"d":null}}',
    );
  });

  it('names the path of a bad placeholder', () => {
    const problems: string[] = [];
    compileJson({ outer: { list: ['ok', '{{bad}}'] } }, 'templates[2].payload', problems);
    expect(problems[0]).toMatch(
      /^templates\[2\]\.payload\.outer\.list\[1\]: placeholder \{\{bad\}\}/,
    );
  });
});

describe('random helpers', () => {
  it('stay within their bounds', () => {
    for (const r of [0, 0.25, 0.999999]) {
      expect(randomInt(10, 20, () => r)).toBeGreaterThanOrEqual(10);
      expect(randomInt(10, 20, () => r)).toBeLessThanOrEqual(20);
      expect(randomFloat(0, 1, 2, () => r)).toBeLessThanOrEqual(1);
    }
    expect(randomFloat(0, 10, 0, () => 0.123)).toBe(1);
  });
});
