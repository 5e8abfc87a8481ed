import { githubSlug, headingAnchors, isRelativeTarget, linksIn } from './markdown-links';

describe('linksIn', () => {
  it('finds inline links, images and reference definitions with their lines', () => {
    const markdown = [
      'See [the docs](docs/README.md) and ![a chart](img/chart.png "title").',
      '[api]: docs/api.md#routes',
      'Two on one line: [a](a.md), [b](<b c.md>).',
    ].join('\n');
    expect(linksIn(markdown)).toEqual([
      { target: 'docs/README.md', line: 1 },
      { target: 'img/chart.png', line: 1 },
      { target: 'docs/api.md#routes', line: 2 },
      { target: 'a.md', line: 3 },
      { target: 'b c.md', line: 3 },
    ]);
  });

  it('ignores brackets in code spans and fenced code blocks', () => {
    const markdown = [
      'Text `[not](a-link.md)` here.',
      '```ts',
      'const x = [y](z.md);',
      '```',
      '~~~',
      '[also](not.md)',
      '~~~',
      '[real](real.md)',
    ].join('\n');
    expect(linksIn(markdown)).toEqual([{ target: 'real.md', line: 8 }]);
  });
});

describe('isRelativeTarget', () => {
  it.each([
    ['docs/api.md', true],
    ['../apps/x.ts', true],
    ['#anchor', true],
    ['https://kafka.apache.org', false],
    ['mailto:ops@example.com', false],
    ['//cdn.example.com/x.js', false],
  ])('%s: %s', (target, relative) => {
    expect(isRelativeTarget(target)).toBe(relative);
  });
});

describe('headingAnchors', () => {
  it('gives the anchors GitHub gives, numbering repeated headings', () => {
    const markdown = [
      '# eventmon — event monitoring',
      '## Guarantees, and the tests that prove them',
      '### `events.dlq` headers',
      '## Metrics',
      '## Metrics',
      '```',
      '## not a heading',
      '```',
      '#### EVENT_ID_SECRET and [links](x.md)',
    ].join('\n');
    expect([...headingAnchors(markdown)]).toEqual([
      'eventmon--event-monitoring',
      'guarantees-and-the-tests-that-prove-them',
      'eventsdlq-headers',
      'metrics',
      'metrics-1',
      'event_id_secret-and-links',
    ]);
  });

  it('slugs a heading as GitHub does', () => {
    expect(githubSlug('Run it, test it (locally)')).toBe('run-it-test-it-locally');
  });
});
