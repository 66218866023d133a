// Jest on Node 20 cannot load a CommonJS package that require()s an ESM-only one (NestJS 12):
// jest's CommonJS loader refuses ESM below Node 24.9, although Node itself (20.19+) does it fine.
// @nestjs/throttler is such a package. For jest only, this turns each listed package into one
// ES module: its own CommonJS files run unchanged inside small module functions, and what they
// require from outside the package comes from static imports - so they get the very same
// @nestjs/common instance as the code under test. jest.config.base.js maps the package name to
// the generated file (it writes it, once per installed version); the app at run time loads the
// package as published.
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The CommonJS packages that need the bridge under jest. */
export const BRIDGED_PACKAGES = ['@nestjs/throttler'];

export function bridgedModulePath(name) {
  return join(root, 'node_modules', '.cache', 'orderly-jest-bridge', `${name.replace('/', '+')}.mjs`);
}

/** Writes the bridge of every listed package unless it is there for the installed version. */
export function bridgeCjsPackages() {
  for (const name of BRIDGED_PACKAGES) {
    const manifestPath = require.resolve(`${name}/package.json`);
    const { version, main = 'index.js' } = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const target = bridgedModulePath(name);
    const stamp = `// ${name}@${version}\n`;
    try {
      if (readFileSync(target, 'utf8').startsWith(stamp)) continue;
    } catch {
      /* not generated yet */
    }
    mkdirSync(dirname(target), { recursive: true });
    // Whole or not at all: two jest runs (turbo runs two tasks at once) may write it together.
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, stamp + bridge(dirname(manifestPath), main, Object.keys(require(name))));
    renameSync(temporary, target);
  }
}

function bridge(packageDir, main, exportNames) {
  const files = listJs(packageDir);
  const externals = new Map();
  const modules = files.map((file) => {
    const source = readFileSync(file, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
    for (const [, spec] of source.matchAll(/require\("([^"]+)"\)/g)) {
      if (!spec.startsWith('.') && !externals.has(spec)) externals.set(spec, `external${externals.size}`);
    }
    return `  ${JSON.stringify(relative(packageDir, file))}: function (module, exports, require) {\n${source}\n},`;
  });
  const names = exportNames.filter((n) => n !== 'default' && n !== '__esModule');
  return [
    ...[...externals].map(([spec, id]) => `import * as ${id} from ${JSON.stringify(spec)};`),
    `const externals = { ${[...externals].map(([spec, id]) => `${JSON.stringify(spec)}: ${id}`).join(', ')} };`,
    'const factories = {',
    ...modules,
    '};',
    'const cache = {};',
    'function load(id) {',
    '  if (cache[id]) return cache[id].exports;',
    '  const module = (cache[id] = { exports: {} });',
    '  const dir = id.includes("/") ? id.slice(0, id.lastIndexOf("/") + 1) : "";',
    '  const requireFrom = (spec) => {',
    '    if (!spec.startsWith(".")) return externals[spec];',
    '    const parts = (dir + spec).split("/").reduce((acc, part) => (part === ".." ? acc.slice(0, -1) : part === "." ? acc : [...acc, part]), []);',
    '    const path = parts.join("/");',
    '    return load(factories[path] ? path : factories[`${path}.js`] ? `${path}.js` : `${path}/index.js`);',
    '  };',
    '  factories[id].call(module.exports, module, module.exports, requireFrom);',
    '  return module.exports;',
    '}',
    `const entry = load(${JSON.stringify(main.replace(/^\.\//, ''))});`,
    `export const { ${names.join(', ')} } = entry;`,
    'export default entry;',
    '',
  ].join('\n');
}

function listJs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : listJs(path);
    return name.endsWith('.js') ? [path] : [];
  });
}
