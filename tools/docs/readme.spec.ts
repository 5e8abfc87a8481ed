import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** The fenced blocks of a Markdown text, as their lines. */
function codeBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((block) =>
    block[1].split('\n').filter(Boolean),
  );
}

/** A newcomer reads the README in five minutes; the reference lives in docs/. */
describe('README.md', () => {
  it('stays at most 120 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(120);
  });

  it('shows the two commands, both real npm scripts', () => {
    const commands = codeBlocks(readme).flat().join('\n');
    expect(commands).toMatch(/^npm ci && npm start\b/m);
    expect(commands).toMatch(/^npm ci && npm test\b/m);
    expect(scripts.start).toContain('cli.js up');
    expect(scripts.test).toContain('cli.js test');
  });

  it('maps the code: every top-level folder, each entry an existing path', () => {
    const map = codeBlocks(readme).find((lines) => lines.some((line) => line.startsWith('apps/')));
    expect(map).toBeDefined();
    // One entry per line, path first: a wrapped line would read as a path that does not exist.
    const paths = map!.map((line) => line.split(' ')[0]);
    expect(paths.filter((path) => !path || !existsSync(join(root, path)))).toEqual([]);
    const topLevel = new Set(paths.map((path) => path.split('/')[0]));
    expect([...topLevel]).toEqual(
      expect.arrayContaining(['apps', 'libs', 'tools', 'test', 'bench', 'docs', 'deploy']),
    );
  });
});
