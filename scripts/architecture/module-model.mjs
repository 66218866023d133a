// One model of the modules, read from the code with the TypeScript compiler API: each package's
// public API (what its src/index.ts exports), its database definition (schema/role), the port
// tokens it declares, its declared workspace dependencies, its owner (.github/CODEOWNERS), and
// from apps/api/src/app.module.ts every bindPort(token, provider), bindPortToValue(token, value) and
// subscribe(event, handler declaration).
// docs/modules.md and the public-API reports are generated from this model, never by hand.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { readWorkspaces, workspaceOf } from './workspaces.mjs';

export const COMPOSITION_ROOT = 'apps/api/src/app.module.ts';

export function createProgram(root, workspaces) {
  const config = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const entries = workspaces.flatMap((ws) => publicEntries(ws).map((entry) => join(root, ws.dir, entry.source))).filter(existsSync);
  const compositionRoot = join(root, COMPOSITION_ROOT);
  return ts.createProgram([...entries, ...(existsSync(compositionRoot) ? [compositionRoot] : [])], { ...options, noEmit: true });
}

export function readModuleModel(root) {
  const workspaces = readWorkspaces(root);
  const program = createProgram(root, workspaces);
  const checker = program.getTypeChecker();
  const pathOf = (node) => relative(root, node.getSourceFile().fileName).split('\\').join('/');
  const packageOf = (node) => workspaceOf(workspaces, pathOf(node))?.name ?? pathOf(node);
  const resolve = (symbol) => (symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const owners = readOwners(root);

  const packages = workspaces
    .filter((ws) => ws.dir.startsWith('packages/'))
    .map((ws) => {
      const exportsOf = (source) => {
        const entry = program.getSourceFile(join(root, ws.dir, source));
        const found = entry ? checker.getExportsOfModule(checker.getSymbolAtLocation(entry)).map((symbol) => ({ name: symbol.name, symbol: resolve(symbol) })) : [];
        return found.sort((a, b) => a.name.localeCompare(b.name));
      };
      const exports = exportsOf('src/index.ts');
      // Further entries of package.json "exports" (e.g. @orderly/kernel/domain), each with its own report.
      const subEntries = publicEntries(ws)
        .filter((entry) => entry.subpath !== '.')
        .map((entry) => ({ ...entry, name: `${ws.name}/${entry.subpath.replace(/^\.\//, '')}`, exports: exportsOf(entry.source).map(({ name, symbol }) => ({ name, kind: kindOf(symbol), symbol })) }));
      const initializerOf = (symbol) => symbol.declarations?.find(ts.isVariableDeclaration)?.initializer;
      const database = exports
        .map(({ symbol }) => initializerOf(symbol))
        .filter((init) => init && ts.isObjectLiteralExpression(init))
        .map((init) => stringProperties(init))
        .find((props) => props.schema && props.role);
      const ports = exports
        .filter(({ symbol }) => {
          const init = initializerOf(symbol);
          return init && ts.isCallExpression(init) && init.expression.getText() === 'portToken';
        })
        .map(({ name }) => name);
      return {
        name: ws.name,
        dir: ws.dir,
        owner: ownerOf(owners, ws.dir),
        dependsOn: [...ws.declared].filter((name) => workspaces.some((other) => other.name === name && other.dir.startsWith('packages/'))).sort(),
        productionDependsOn: Object.keys(ws.manifest.dependencies ?? {}).filter((name) => workspaces.some((other) => other.name === name)).sort(),
        exports: exports.map(({ name, symbol }) => ({ name, kind: kindOf(symbol), symbol })),
        subEntries,
        database,
        ports,
      };
    });

  const apps = workspaces
    .filter((ws) => ws.dir.startsWith('apps/'))
    .map((ws) => ({
      name: ws.name,
      dir: ws.dir,
      owner: ownerOf(owners, ws.dir),
      productionDependsOn: Object.keys(ws.manifest.dependencies ?? {}).filter((name) => workspaces.some((other) => other.name === name)).sort(),
    }));

  // Which modules each app composes: the packages whose exported XModule it calls XModule.forRoot( on.
  for (const app of apps) {
    const sources = readSources(join(root, app.dir, 'src'));
    const called = new Set([...sources.matchAll(/\b([A-Z]\w*Module)\.forRoot\(/g)].map((m) => m[1]));
    app.composes = packages.filter((p) => p.database && p.exports.some((e) => called.has(e.name))).map((p) => p.name);
  }

  const bindings = [];
  const subscriptions = [];
  const compositionRoot = program.getSourceFile(join(root, COMPOSITION_ROOT));
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments.length === 2) {
      const [first, second] = node.arguments.map((arg) => resolve(checker.getSymbolAtLocation(arg)));
      const declarationOf = (symbol) => symbol?.declarations?.[0];
      if (node.expression.text === 'bindPort' && first && second) {
        bindings.push({ token: first.name, tokenPackage: packageOf(declarationOf(first)), provider: second.name, providerPackage: packageOf(declarationOf(second)) });
      }
      if (node.expression.text === 'bindPortToValue' && first) {
        // A value made in the composition root itself (e.g. the metrics adapter).
        bindings.push({ token: first.name, tokenPackage: packageOf(declarationOf(first)), provider: node.arguments[1].getText(), providerPackage: packageOf(node) });
      }
      if (node.expression.text === 'subscribe' && first && second) {
        // An event schema is an object literal or defineEventSchema({ type, version, ... }).
        let init = declarationOf(first)?.initializer;
        if (init && ts.isCallExpression(init) && init.arguments.length === 1) init = init.arguments[0];
        const props = init && ts.isObjectLiteralExpression(init) ? stringProperties(init) : {};
        // The handler as its module declares it: declareHandler('<inbox name>', ...) in its contracts.
        const declared = declarationOf(second)?.initializer;
        const handlerName = declared && ts.isCallExpression(declared) && declared.arguments[0] && ts.isStringLiteral(declared.arguments[0]) ? declared.arguments[0].text : second.name;
        subscriptions.push({
          schema: first.name,
          event: props.type ?? first.name,
          version: props.version,
          publisher: packageOf(declarationOf(first)),
          handler: handlerName,
          declaration: second.name,
          subscriber: packageOf(declarationOf(second)),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  if (compositionRoot) visit(compositionRoot);

  return { root, program, checker, packages, apps, bindings, subscriptions };
}

/** The source files a package's "exports" lists (condition @orderly/source), main entry first. */
export function publicEntries(ws) {
  const exports = ws.manifest.exports ?? {};
  const entries = Object.entries(typeof exports === 'string' ? { '.': exports } : exports)
    .map(([subpath, conditions]) => ({ subpath, source: (typeof conditions === 'string' ? conditions : conditions['@orderly/source'])?.replace(/^\.\//, '') }))
    .filter((entry) => entry.source?.endsWith('.ts'));
  return entries.length ? entries : [{ subpath: '.', source: 'src/index.ts' }];
}

function readSources(dir) {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath ?? entry.path, entry.name), 'utf8'))
    .join('\n');
}

function stringProperties(objectLiteral) {
  const props = {};
  for (const property of objectLiteral.properties) {
    if (!ts.isPropertyAssignment(property)) continue;
    const value = property.initializer;
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) props[property.name.getText()] = value.text;
    if (ts.isNumericLiteral(value)) props[property.name.getText()] = Number(value.text);
  }
  return props;
}

export function kindOf(symbol) {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

function readOwners(root) {
  const file = join(root, '.github/CODEOWNERS');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [pattern, ...teams] = line.split(/\s+/);
      return { pattern: pattern.replace(/^\//, ''), teams };
    });
}

function ownerOf(owners, dir) {
  // CODEOWNERS: the last matching pattern wins.
  const match = owners.filter((o) => `${dir}/`.startsWith(o.pattern.endsWith('/') ? o.pattern : `${o.pattern}/`)).at(-1);
  return match ? match.teams.join(' ') : '(no owner)';
}
