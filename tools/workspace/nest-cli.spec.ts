/**
 * nest-cli.json describes the monorepo to Nest's tooling (generators, `nest build <project>`):
 * one project per folder of apps/ and libs/. A folder added without its entry is invisible to
 * that tooling, and an entry left behind by a rename points at nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../stack/repo-root';

interface NestProject {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
}
interface NestCli {
  monorepo: boolean;
  root: string;
  sourceRoot: string;
  projects: Record<string, NestProject>;
}

const root = repoRoot();
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as NestCli;

const foldersOf = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

/** What the entry of each folder must say: apps start at main.ts, libs export from index.ts. */
function expectedProjects(): Record<string, NestProject> {
  const projects: Record<string, NestProject> = {};
  for (const [dir, type, entryFile] of [
    ['apps', 'application', 'main'],
    ['libs', 'library', 'index'],
  ] as const) {
    for (const name of foldersOf(dir)) {
      projects[name] = {
        type,
        root: `${dir}/${name}`,
        sourceRoot: `${dir}/${name}/src`,
        entryFile,
      };
    }
  }
  return projects;
}

describe('nest-cli.json', () => {
  it('has one project per folder of apps/ and libs/, with its root, sources and entry file', () => {
    expect(nestCli.projects).toEqual(expectedProjects());
  });

  it("names entry files that exist in each project's sources", () => {
    const missing = Object.values(nestCli.projects)
      .map((project) => `${project.sourceRoot}/${project.entryFile}.ts`)
      .filter((file) => !existsSync(join(root, file)));
    expect(missing).toEqual([]);
  });

  it('is a monorepo whose default project is one of its applications', () => {
    expect(nestCli.monorepo).toBe(true);
    const defaults = Object.values(nestCli.projects).filter(
      (project) => project.root === nestCli.root && project.sourceRoot === nestCli.sourceRoot,
    );
    expect(defaults.map((project) => project.type)).toEqual(['application']);
  });
});
