import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFunction } from 'node:vm';
import transform from './esm-package-transform';

/** Runs transformed code the way Node's CommonJS loader would, and returns its exports. */
function runAsCommonJs(code: string, filename: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const require = createRequire(filename);
  const wrapper = compileFunction(
    code,
    ['exports', 'require', 'module', '__filename', '__dirname'],
    {
      filename,
    },
  ) as (...args: unknown[]) => void;
  wrapper(module.exports, require, module, filename, join(filename, '..'));
  return module.exports;
}

describe('esm-package-transform', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'esm-package-transform-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function packageFile(type: 'module' | 'commonjs', source: string): string {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', type }));
    const file = join(dir, 'index.js');
    writeFileSync(file, source);
    return file;
  }

  it('turns an ES module into CommonJS, import.meta included', () => {
    const source = [
      "import { createRequire } from 'node:module';",
      "import { sep } from 'node:path';",
      'const require = createRequire(import.meta.url);',
      'const alsoRequire = createRequire(import.meta.url);',
      'export const separator = sep;',
      'export const url = import.meta.url;',
      'export const dir = import.meta.dirname;',
      'export const file = import.meta.filename;',
      "export const resolved = import.meta.resolve('node:path');",
      "export const loaded = require('node:path').sep === alsoRequire('node:path').sep;",
      'export default 42;',
    ].join('\n');
    const file = packageFile('module', source);

    const exports = runAsCommonJs(transform.process(source, file).code, file);

    // Marked as a transpiled ES module, so a default import of it gets `default`, not exports.
    expect(exports.__esModule).toBe(true);
    expect(exports).toEqual({
      default: 42,
      separator: sep,
      url: pathToFileURL(file).href,
      dir,
      file,
      resolved: 'node:path',
      loaded: true,
    });
  });

  it('leaves the files of CommonJS packages as they are', () => {
    const source = "module.exports = require('node:path').sep;";
    const file = packageFile('commonjs', source);
    expect(transform.process(source, file).code).toBe(source);
  });

  it('refuses an import.meta property it has no CommonJS form for', () => {
    const source = 'export const env = import.meta.env;';
    const file = packageFile('module', source);
    expect(() => transform.process(source, file)).toThrow(/no CommonJS form for import\.meta\.env/);
  });
});
