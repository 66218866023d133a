// One jest setup for every workspace package, run by scripts/jest.mjs with --rootDir set to the
// package. Native ESM (NestJS 12 is ESM-only) and @swc/jest with decorator metadata, which Nest's
// DI needs. No moduleNameMapper for workspace packages: they resolve through their package.json
// "exports" (the "@orderly/source" condition points at src/), so a deep import fails here as it
// fails in tsc and in node.
import { BRIDGED_PACKAGES, bridgeCjsPackages, bridgedModulePath } from './scripts/jest-cjs-bridge.mjs';

bridgeCjsPackages();

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@orderly/source', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // CommonJS packages that require() NestJS 12 (ESM-only): see scripts/jest-cjs-bridge.mjs.
    ...Object.fromEntries(BRIDGED_PACKAGES.map((name) => [`^${name.replace('/', '\\/')}$`, bridgedModulePath(name)])),
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  testTimeout: 60_000,
};
