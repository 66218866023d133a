// Dependency rules 1-5 and no import cycles inside a package (docs/architecture.md), each seen failing: a violation is planted in a
// throwaway copy of the repository and `npm run boundaries` (scripts/architecture/
// check-boundaries.mjs) must fail with exactly the message a violator would see (golden output,
// as import-linter tests its contracts). The same check must pass on the real tree and on an
// unmodified copy, so each failure below comes from its planted violation and nothing else.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { copyRepository, repositoryRoot, runScript, type RepositoryCopy } from './repository-copy.js';

const check = 'scripts/architecture/check-boundaries.mjs';
type Outcome = { status: number | null; output: string };

const planted: Record<string, (copy: RepositoryCopy) => void> = {
  'unmodified copy': () => undefined,
  'deep package import': (copy) =>
    copy.write(
      'packages/notifications/src/internal/application/planted.ts',
      "import { UnitOfWork } from '@orderly/kernel/src/persistence/unit-of-work.js';\nexport const planted = UnitOfWork;\n",
    ),
  'relative internal import': (copy) =>
    copy.write(
      'packages/notifications/src/internal/application/planted.ts',
      "import { UnitOfWork } from '../../../../kernel/src/persistence/unit-of-work.js';\nexport const planted = UnitOfWork;\n",
    ),
  'undeclared workspace import': (copy) =>
    copy.write('packages/notifications/src/internal/application/planted.ts', "import { OrderPlacedV1 } from '@orderly/orders';\nexport const planted = OrderPlacedV1;\n"),
  'package cycle': (copy) => {
    copy.write('packages/kernel/src/planted.ts', "import { notificationsDatabase } from '@orderly/notifications';\nexport const planted = notificationsDatabase;\n");
    copy.append('packages/kernel/src/index.ts', "export { planted } from './planted.js';\n");
    copy.declareDependency('packages/kernel', '@orderly/notifications', '0.1.0');
  },
  'package cycle through package.json only': (copy) => {
    // No chain of imports closes this cycle (one edge starts in a test file), but npm and turbo see it.
    copy.write('packages/notifications/src/internal/application/planted.ts', "import { OrderPlacedV1 } from '@orderly/orders';\nexport const planted = OrderPlacedV1;\n");
    copy.declareDependency('packages/notifications', '@orderly/orders', '0.1.0');
    copy.write('packages/orders/test/unit/planted.ts', "import { notificationsDatabase } from '@orderly/notifications';\nexport const planted = notificationsDatabase;\n");
    copy.declareDependency('packages/orders', '@orderly/notifications', '0.1.0');
  },
  'import of apps/': (copy) =>
    copy.write(
      'packages/notifications/src/internal/application/planted.ts',
      "import { objectSchema } from '../../../../../apps/api/src/http/openapi/class-schema.js';\nexport const planted = objectSchema;\n",
    ),
  'orders imports products': (copy) => {
    copy.write('packages/orders/src/internal/application/planted.ts', "import { STOCK_RESERVATIONS } from '@orderly/products';\nexport const planted = STOCK_RESERVATIONS;\n");
    copy.declareDependency('packages/orders', '@orderly/products', '0.1.0');
  },
  'domain imports typeorm': (copy) =>
    copy.write('packages/orders/src/internal/domain/planted.ts', "import { EntitySchema } from 'typeorm';\nexport const planted = EntitySchema;\n"),
  'domain reaches typeorm through another file': (copy) => {
    copy.write('packages/orders/src/contracts/planted-helper.ts', "export { EntitySchema as PlantedSchema } from 'typeorm';\n");
    copy.write('packages/orders/src/internal/domain/planted.ts', "import { PlantedSchema } from '../../contracts/planted-helper.js';\nexport const planted = PlantedSchema;\n");
  },
  "domain imports the kernel's main entry": (copy) =>
    copy.write('packages/orders/src/internal/domain/planted.ts', "import { UnitOfWork } from '@orderly/kernel';\nexport type Planted = UnitOfWork;\n"),
  'contract test imports internals': (copy) =>
    copy.write('packages/orders/test/contract/planted.test.ts', "import { Order } from '../../src/internal/domain/order.js';\nexport const planted = Order;\n"),
  'cycle inside a package': (copy) => {
    copy.write('packages/notifications/src/internal/application/planted-a.ts', "import { b } from './planted-b.js';\nexport const a = (): number => b() + 1;\n");
    copy.write('packages/notifications/src/internal/application/planted-b.ts', "import type { a } from './planted-a.js';\nexport const b = (): number => 1;\nexport type A = typeof a;\n");
  },
  'domain imports infrastructure': (copy) =>
    copy.write(
      'packages/orders/src/internal/domain/planted.ts',
      "import { ordersDatabase } from '../infrastructure/orders-database.js';\nexport const planted = ordersDatabase;\n",
    ),
};

const outcomes = new Map<string, Outcome>();
let cliOnPlanted: Outcome;

/** checkBoundaries (what `npm run boundaries` prints) for several trees in one node process. */
function checkTrees(roots: readonly string[]): Promise<{ ok: boolean; report: string }[]> {
  const module = pathToFileURL(join(repositoryRoot, 'scripts/architecture/boundary-check.mjs')).href;
  const program = `import { checkBoundaries } from ${JSON.stringify(module)};
const results = [];
for (const root of process.argv.slice(1)) results.push(await checkBoundaries(root));
console.log(JSON.stringify(results));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', program, ...roots], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`checkBoundaries exited with ${status}`))));
  });
}

beforeAll(async () => {
  const copies = Object.entries(planted).map(([name, plant]) => {
    const copy = copyRepository();
    plant(copy);
    return { name, copy };
  });
  try {
    // One process for every planted tree (loading dependency-cruiser is half the cost of a check),
    // and the command line itself once on a planted tree, for its exit code.
    const [results, cli] = await Promise.all([
      checkTrees(copies.map(({ copy }) => copy.root)),
      runScript(check, ['--root', copies.find(({ name }) => name === 'undeclared workspace import')!.copy.root]),
    ]);
    results.forEach(({ ok, report }, i) => outcomes.set(copies[i]!.name, { status: ok ? 0 : 1, output: report }));
    cliOnPlanted = cli;
  } finally {
    for (const { copy } of copies) copy.remove();
  }
}, 300_000);

const outcome = (name: string): Outcome => outcomes.get(name) ?? { status: null, output: `no outcome for ${name}` };

describe('npm run boundaries', () => {
  it('passes on the real tree', async () => {
    const result = await runScript(check, ['--root', repositoryRoot]);
    expect(result.output).toMatch(/^boundaries: rules 1-5 hold, no import cycles \(\d+ files, \d+ imports checked\)$/);
    expect(result.status).toBe(0);
  });

  it('passes on an unmodified copy (control)', () => {
    expect(outcome('unmodified copy').output).toMatch(/^boundaries: rules 1-5 hold, no import cycles/);
    expect(outcome('unmodified copy').status).toBe(0);
  });

  it("rule 1: fails on a deep import of another package's internals by package subpath", () => {
    expect(outcome('deep package import').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/notifications/src/internal/application/planted.ts
  imports '@orderly/kernel/src/persistence/unit-of-work.js'
  breaks rule-1-no-deep-package-import
  Another package's internals are private: its package.json "exports" lists only its public entry. Import \`@orderly/kernel\` instead; if what you need is not exported there, ask the package's owners (.github/CODEOWNERS) to export it.`);
    expect(outcome('deep package import').status).toBe(1);
  });

  it("rule 1: fails on a relative import of another package's internals", () => {
    expect(outcome('relative internal import').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/notifications/src/internal/application/planted.ts
  imports '../../../../kernel/src/persistence/unit-of-work.js' (packages/kernel/src/persistence/unit-of-work.ts)
  breaks rule-1-no-internal-import
  Another package's internals are private, also through a relative path. Import \`@orderly/kernel\` (its public entry, src/index.ts) instead; if what you need is not exported there, ask its owners (.github/CODEOWNERS) to export it.`);
    expect(outcome('relative internal import').status).toBe(1);
  });

  it('rule 2: fails on an import of a workspace package that package.json does not declare', () => {
    expect(outcome('undeclared workspace import').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/notifications/src/internal/application/planted.ts
  imports '@orderly/orders' (packages/orders/src/index.ts)
  breaks rule-2-declared-dependency
  packages/notifications/package.json does not declare \`@orderly/orders\`, so turbo's package graph misses this edge and its cache can lie. Declare it: \`npm i --save-exact -w @orderly/notifications @orderly/orders@0.1.0\` (or remove the import).`);
    expect(outcome('undeclared workspace import').status).toBe(1);
  });

  it('npm run boundaries prints the same report and exits 1 on a violation', () => {
    expect(cliOnPlanted.output).toBe(outcome('undeclared workspace import').output);
    expect(cliOnPlanted.status).toBe(1);
  });

  it('rule 3: fails on a cycle between packages, even when both edges are declared', () => {
    expect(outcome('package cycle').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/kernel/src/planted.ts
  imports '@orderly/notifications' (packages/notifications/src/index.ts)
  cycle: packages/kernel/src/planted.ts -> packages/notifications/src/index.ts -> packages/notifications/src/internal/infrastructure/notifications-database.ts -> packages/notifications/src/internal/infrastructure/migrations/1732100000200-CreateNotificationsSchema.ts -> packages/kernel/src/index.ts -> packages/kernel/src/planted.ts
  breaks rule-3-no-package-cycle
  @orderly/kernel and @orderly/notifications would depend on each other. Break the cycle: the consumer declares a port in its contracts and apps/api binds it, or the event flows one way through the outbox.`);
    expect(outcome('package cycle').status).toBe(1);
  });

  it('rule 3: fails on a cycle that only package.json files close', () => {
    expect(outcome('package cycle through package.json only').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/notifications/package.json
  declares '@orderly/orders'
  cycle: @orderly/notifications -> @orderly/orders -> @orderly/notifications
  breaks rule-3-no-package-cycle
  @orderly/notifications and @orderly/orders would depend on each other. Break the cycle: the consumer declares a port in its contracts and apps/api binds it, or the event flows one way through the outbox.`);
    expect(outcome('package cycle through package.json only').status).toBe(1);
  });

  it('rule 3: fails on an import of apps/', () => {
    expect(outcome('import of apps/').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/notifications/src/internal/application/planted.ts
  imports '../../../../../apps/api/src/http/openapi/class-schema.js' (apps/api/src/http/openapi/class-schema.ts)
  breaks rule-3-nothing-imports-apps
  apps/ are composition roots: nothing depends on them. Move what you need into a package (a module's contracts, or @orderly/kernel when it has no domain knowledge) and import it from there.`);
    expect(outcome('import of apps/').status).toBe(1);
  });

  it("rule 4: fails when orders imports products' public entry, even when declared", () => {
    expect(outcome('orders imports products').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/orders/src/internal/application/planted.ts
  imports '@orderly/products' (packages/products/src/index.ts)
  breaks rule-4-orders-products-independent
  orders and products never import each other. The consumer owns the port: declare a port in the contracts of @orderly/orders (src/contracts/ports.ts, exported from src/index.ts) and bind it to what @orderly/products provides in apps/api/src/app.module.ts with bindPort(...).`);
    expect(outcome('orders imports products').status).toBe(1);
  });

  it('rule 5: fails when the domain imports TypeORM', () => {
    expect(outcome('domain imports typeorm').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/orders/src/internal/domain/planted.ts
  imports 'typeorm' (node_modules/typeorm/index.d.ts)
  breaks rule-5-pure-domain
  internal/domain/ is plain TypeScript: nothing it imports, directly or through other files, may load NestJS, TypeORM, pg, class-validator or infrastructure. Take kernel building blocks from @orderly/kernel/domain (not @orderly/kernel), keep the rule in the domain and move the framework code to internal/infrastructure/ (EntitySchema mappings, repositories) or internal/http/, which depend on the domain.`);
    expect(outcome('domain imports typeorm').status).toBe(1);
  });

  it('rule 5: fails when the domain imports infrastructure', () => {
    expect(outcome('domain imports infrastructure').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/orders/src/internal/domain/planted.ts
  imports '../infrastructure/orders-database.js' (packages/orders/src/internal/infrastructure/orders-database.ts)
  breaks rule-5-pure-domain
  internal/domain/ is plain TypeScript: nothing it imports, directly or through other files, may load NestJS, TypeORM, pg, class-validator or infrastructure. Take kernel building blocks from @orderly/kernel/domain (not @orderly/kernel), keep the rule in the domain and move the framework code to internal/infrastructure/ (EntitySchema mappings, repositories) or internal/http/, which depend on the domain.`);
    expect(outcome('domain imports infrastructure').status).toBe(1);
  });

  it('rule 5: fails when the domain reaches TypeORM through a file that is not in the domain', () => {
    expect(outcome('domain reaches typeorm through another file').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/orders/src/internal/domain/planted.ts
  imports '../../contracts/planted-helper.js' (packages/orders/src/contracts/planted-helper.ts)
  path: packages/orders/src/internal/domain/planted.ts -> packages/orders/src/contracts/planted-helper.ts -> node_modules/typeorm/index.d.ts
  breaks rule-5-pure-domain
  ${PURE_DOMAIN}`);
    expect(outcome('domain reaches typeorm through another file').status).toBe(1);
  });

  it("rule 5: fails when the domain imports the kernel's main entry (which loads NestJS and TypeORM) instead of @orderly/kernel/domain", () => {
    const { output, status } = outcome("domain imports the kernel's main entry");
    expect(output.split('\n').slice(0, 4)).toEqual([
      'boundaries: 1 violation of the dependency rules (docs/architecture.md)',
      '',
      'packages/orders/src/internal/domain/planted.ts',
      "  imports '@orderly/kernel' (packages/kernel/src/index.ts)",
    ]);
    expect(output).toMatch(/\n {2}path: packages\/orders\/src\/internal\/domain\/planted\.ts -> packages\/kernel\/src\/index\.ts -> .* -> node_modules\/(@nestjs|typeorm|pg|reflect-metadata)[^ ]*\n {2}breaks rule-5-pure-domain\n/);
    expect(status).toBe(1);
  });

  it("fails when a contract test imports the package's internals instead of its public entry", () => {
    expect(outcome('contract test imports internals').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/orders/test/contract/planted.test.ts
  imports '../../src/internal/domain/order.js' (packages/orders/src/internal/domain/order.ts)
  breaks contract-tests-use-the-public-entry
  A contract test sees the package as other packages do: import \`@orderly/orders\` by its name, not a relative path into src/. Tests of internals belong in test/unit (fakes of ports) or test/integration (real PostgreSQL).`);
    expect(outcome('contract test imports internals').status).toBe(1);
  });

  it('fails on an import cycle between files of one package', () => {
    expect(outcome('cycle inside a package').output).toBe(`boundaries: 1 violation of the dependency rules (docs/architecture.md)

packages/notifications/src/internal/application/planted-a.ts
  imports './planted-b.js' (packages/notifications/src/internal/application/planted-b.ts)
  cycle: packages/notifications/src/internal/application/planted-a.ts -> packages/notifications/src/internal/application/planted-b.ts -> packages/notifications/src/internal/application/planted-a.ts
  breaks no-cycle-inside-package
  These files import each other in a circle, so neither can be read, loaded or tested without the other, and which one initialises first depends on who imports the package first. Move what both need into a third file that imports neither, or let the lower-level file declare an interface that the higher-level one implements.`);
    expect(outcome('cycle inside a package').status).toBe(1);
  });
});

const PURE_DOMAIN =
  'internal/domain/ is plain TypeScript: nothing it imports, directly or through other files, may load NestJS, TypeORM, pg, class-validator or infrastructure. ' +
  'Take kernel building blocks from @orderly/kernel/domain (not @orderly/kernel), keep the rule in the domain and move the framework code to internal/infrastructure/ (EntitySchema mappings, repositories) or internal/http/, which depend on the domain.';
