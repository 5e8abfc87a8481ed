/**
 * Jest transform for ESM-only packages in node_modules (the @nestjs/* packages since Nest 12).
 *
 * The built apps are CommonJS and load these packages through Node's require(esm). Jest runs
 * CommonJS with its own module registry, which cannot load ES modules without
 * --experimental-vm-modules, so this rewrites each such file to CommonJS: TypeScript's
 * transpiler turns import/export into require/exports, and the few uses of `import.meta` are
 * mapped to their CommonJS equivalents first. Files of packages that are already CommonJS
 * pass through unchanged.
 */
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const ts = require('typescript');

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  // A default import of a CommonJS package (express) is its module.exports, as in Node's ESM.
  esModuleInterop: true,
  allowJs: true,
  sourceMap: false,
  inlineSourceMap: true,
};

const esmDirectories = new Map();

/** Whether a file is an ES module: a .mjs file, or a .js file under "type": "module". */
function isEsModule(filename) {
  if (filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs')) return false;
  return packageTypeOf(dirname(filename)) === 'module';
}

function packageTypeOf(dir) {
  if (esmDirectories.has(dir)) return esmDirectories.get(dir);
  const manifest = join(dir, 'package.json');
  let type;
  if (existsSync(manifest)) {
    type = JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs';
  } else {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageTypeOf(parent);
  }
  esmDirectories.set(dir, type);
  return type;
}

/**
 * `import.meta` has no meaning in CommonJS. The packages use it to build a require
 * (`createRequire(import.meta.url)`, which is the module's own `require` here, and keeps Jest's
 * registry and mocks in the loop), to resolve a package (`import.meta.resolve`) and to find
 * their own files (`url`, `dirname`, `filename`). A module-scope `const require = ...` would
 * redeclare the CommonJS wrapper's parameter, so it goes: the wrapper's `require` is the same.
 */
function importMetaToCommonJs(context) {
  const f = context.factory;
  const isImportMeta = (node) =>
    ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword;
  const isImportMetaUrl = (node) =>
    ts.isPropertyAccessExpression(node) &&
    isImportMeta(node.expression) &&
    node.name.text === 'url';
  const requireCall = (specifier) =>
    f.createCallExpression(f.createIdentifier('require'), undefined, [
      f.createStringLiteral(specifier),
    ]);
  const replacements = {
    url: () =>
      f.createPropertyAccessExpression(
        f.createCallExpression(
          f.createPropertyAccessExpression(requireCall('node:url'), 'pathToFileURL'),
          undefined,
          [f.createIdentifier('__filename')],
        ),
        'href',
      ),
    dirname: () => f.createIdentifier('__dirname'),
    filename: () => f.createIdentifier('__filename'),
    resolve: () => f.createPropertyAccessExpression(f.createIdentifier('require'), 'resolve'),
  };

  return (sourceFile) => {
    const visit = (node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'createRequire' &&
        node.arguments.length === 1 &&
        isImportMetaUrl(node.arguments[0])
      ) {
        return f.createIdentifier('require');
      }
      if (ts.isPropertyAccessExpression(node) && isImportMeta(node.expression)) {
        const replace = replacements[node.name.text];
        if (!replace) {
          throw new Error(
            `${sourceFile.fileName}: no CommonJS form for import.meta.${node.name.text}`,
          );
        }
        return replace();
      }
      if (isImportMeta(node)) {
        throw new Error(`${sourceFile.fileName}: no CommonJS form for a bare import.meta`);
      }
      return ts.visitEachChild(node, visit, context);
    };
    const declaresRequire = (statement) =>
      ts.isVariableStatement(statement) &&
      statement.declarationList.declarations.length === 1 &&
      ts.isIdentifier(statement.declarationList.declarations[0].name) &&
      statement.declarationList.declarations[0].name.text === 'require';
    const statements = sourceFile.statements
      .filter((statement) => !declaresRequire(statement))
      .map((statement) => ts.visitNode(statement, visit));
    return f.updateSourceFile(sourceFile, statements);
  };
}

const OWN_SOURCE = readFileSync(__filename, 'utf8');

module.exports = {
  process(sourceText, sourcePath) {
    if (!isEsModule(sourcePath)) return { code: sourceText };
    const { outputText } = ts.transpileModule(sourceText, {
      compilerOptions: COMPILER_OPTIONS,
      fileName: sourcePath,
      transformers: { before: [importMetaToCommonJs] },
    });
    return { code: outputText };
  },
  // The output depends on this file and the TypeScript version as well as on the source.
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256')
      .update(OWN_SOURCE)
      .update(ts.version)
      .update(sourcePath)
      .update(sourceText)
      .digest('hex');
  },
};
