import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { headingAnchors, isRelativeTarget, linksIn } from './markdown-links';

const root = resolve(__dirname, '..', '..');

/** The project's own documentation: the README, the changelog and everything under docs/. */
function documentationFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? docs(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    );
  return ['README.md', 'CHANGELOG.md', ...docs('docs')].filter((file) =>
    existsSync(join(root, file)),
  );
}

/** Paths git ignores (dist/, .local/...): they exist here but not in a fresh clone. */
function ignoredByGit(paths: string[]): Set<string> {
  if (paths.length === 0) return new Set();
  try {
    const out = execFileSync('git', ['check-ignore', '--stdin'], {
      cwd: root,
      input: paths.join('\n'),
      encoding: 'utf8',
    });
    return new Set(out.split('\n').filter(Boolean));
  } catch (error) {
    // Exit status 1: none of them is ignored.
    if ((error as { status?: number }).status === 1) return new Set();
    throw error;
  }
}

describe('links in the documentation', () => {
  const files = documentationFiles();

  it('covers the README and docs/', () => {
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThan(0);
  });

  it.each(files)('every relative link in %s resolves to a file of the repository', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const broken: string[] = [];
    const targets: { link: string; path: string }[] = [];
    for (const { target, line } of linksIn(text)) {
      if (!isRelativeTarget(target)) continue;
      const [pathPart, anchor] = target.split('#', 2);
      const path = pathPart
        ? relative(root, resolve(root, dirname(file), decodeURIComponent(pathPart)))
        : file;
      const where = `${file}:${line} ${target}`;
      if (path.startsWith('..') || !existsSync(join(root, path))) {
        broken.push(`${where}: no such file`);
        continue;
      }
      targets.push({ link: where, path });
      if (anchor === undefined) continue;
      if (!path.endsWith('.md') || statSync(join(root, path)).isDirectory()) {
        broken.push(`${where}: an anchor into a file that is not Markdown`);
      } else if (!headingAnchors(readFileSync(join(root, path), 'utf8')).has(anchor)) {
        broken.push(`${where}: no heading with that anchor`);
      }
    }
    const ignored = ignoredByGit(targets.map((target) => target.path));
    for (const { link, path } of targets)
      if (ignored.has(path)) broken.push(`${link}: ignored by git, absent from a fresh clone`);
    expect(broken).toEqual([]);
  });
});
