// Unit tests: pure code, no broker, no database.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

/**
 * Packages published only as ES modules. Node loads them from the CommonJS build through
 * require(esm); Jest's CommonJS runtime cannot, so tools/jest/esm-package-transform.js rewrites
 * their files to CommonJS. Every other package in node_modules is left untransformed.
 */
const ESM_PACKAGES = ['@nestjs'];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '(apps|libs|tools|bench)/.*\\.spec\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '^.+\\.m?js$': '<rootDir>/tools/jest/esm-package-transform.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
};
