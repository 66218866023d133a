// `npm run new-module -- <name>` on a temporary copy of the repository leaves nothing manual: the
// module is linked (lockfile and node_modules), wired into apps/api, documented (its own API report
// and docs/modules.md, no other team's report touched), registered in CODEOWNERS, and what it
// touches passes the first time:
// - the module: lint, typecheck, build, unit (with contract) and integration tiers, all of them;
// - apps/api: lint, typecheck, build, unit (architecture tests) and integration tiers, all of them
//   but two unit files that test the checkers themselves on planted violations (see below);
// - apps/api's e2e tier: two of its files, not all. The whole tier takes 5-9 minutes on the shared
//   two-core machine, on top of a suite budgeted at about six; the files run here are the ones a
//   new module can break: openapi.e2e (the real app, with the new module wired in, serves exactly
//   the routes its OpenAPI document describes, each documented, and /docs) and operations.e2e
//   (its migrations ran, its database answers and its outbox relay runs: /health/ready lists
//   <module>.database and <module>.relay ok; logs and metrics with the module in). The other e2e
//   files exercise orders, products and notifications, which the generator does not touch; they
//   run in `npm test` on the repository itself.
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, type RepoCopy } from '../support/repo-copy.js';

let repo: RepoCopy;
let generated: { status: number | null; output: string };

beforeAll(() => {
  repo = copyRepo();
  const result = repo.run('npm', ['run', '--silent', 'new-module', '--', 'gift-cards']);
  generated = { status: result.status, output: result.stdout + result.stderr };
}, 120_000);
afterAll(() => repo?.remove());

it('scaffolds packages/gift-cards with the layout of a module package', () => {
  expect(generated.output).toContain('created packages/gift-cards (@orderly/gift-cards)');
  expect(generated.status).toBe(0);
  const pkg = JSON.parse(readFileSync(join(repo.dir, 'packages/gift-cards/package.json'), 'utf8'));
  expect(pkg.exports).toEqual({ '.': { '@orderly/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } });
  const files = repo.run('git', ['ls-files', '--others', '--exclude-standard', 'packages/gift-cards']).stdout.split('\n').filter(Boolean).sort();
  expect(files).toEqual(
    expect.arrayContaining([
      'packages/gift-cards/src/index.ts',
      'packages/gift-cards/src/contracts/dto.ts',
      'packages/gift-cards/src/contracts/events.ts',
      'packages/gift-cards/src/contracts/ports.ts',
      'packages/gift-cards/src/internal/gift-cards.module.ts',
      'packages/gift-cards/src/internal/domain/gift-cards-status.ts',
      'packages/gift-cards/src/internal/application/gift-cards-status.ts',
      'packages/gift-cards/src/internal/http/gift-cards.controller.ts',
      'packages/gift-cards/src/internal/infrastructure/gift-cards-database.ts',
      'packages/gift-cards/test/unit/gift-cards-status.test.ts',
      'packages/gift-cards/test/contract/gift-cards-public-api.test.ts',
      'packages/gift-cards/test/integration/gift-cards-storage.test.ts',
    ]),
  );
  expect(files.some((f) => /src\/internal\/infrastructure\/migrations\/\d+-CreateGiftCardsSchema\.ts$/.test(f))).toBe(true);
});

it('registers the module in CODEOWNERS and in the generated docs', () => {
  const owners = readFileSync(join(repo.dir, '.github/CODEOWNERS'), 'utf8');
  expect(owners).toMatch(/^\/packages\/gift-cards\/\s+@orderly\/team-gift-cards$/m);
  expect(owners).toMatch(/^\/docs\/api\/gift-cards\.api\.md\s+@orderly\/team-gift-cards$/m);
  expect(readFileSync(join(repo.dir, 'docs/modules.md'), 'utf8')).toContain('@orderly/gift-cards');
  expect(readFileSync(join(repo.dir, 'docs/api/gift-cards.api.md'), 'utf8')).toContain('GiftCardsModule');
  const check = repo.run('node', ['scripts/architecture/generate-docs.mjs', '--check']);
  expect(check.stdout).toContain('generated docs are up to date');
});

it('links the module and wires it into apps/api, touching no other team\'s API report', () => {
  const lock = JSON.parse(readFileSync(join(repo.dir, 'package-lock.json'), 'utf8'));
  expect(lock.packages['node_modules/@orderly/gift-cards']).toEqual({ resolved: 'packages/gift-cards', link: true });
  expect(lock.packages['packages/gift-cards']).toMatchObject({ name: '@orderly/gift-cards', version: '0.1.0' });
  expect(lock.packages['apps/api'].dependencies['@orderly/gift-cards']).toBe('0.1.0');
  expect(realpathSync(join(repo.dir, 'node_modules/@orderly/gift-cards'))).toBe(realpathSync(join(repo.dir, 'packages/gift-cards')));
  expect(JSON.parse(readFileSync(join(repo.dir, 'apps/api/package.json'), 'utf8')).dependencies['@orderly/gift-cards']).toBe('0.1.0');
  expect(readFileSync(join(repo.dir, 'apps/api/src/app.module.ts'), 'utf8')).toContain("GiftCardsModule.forRoot({ connection: connection('gift-cards') }),");
  expect(readFileSync(join(repo.dir, 'apps/api/src/database/module-databases.ts'), 'utf8')).toMatch(/moduleDatabases[^=]*= \[[^\]]*giftCardsDatabase\];/);
  const changed = repo.run('git', ['status', '--porcelain', '--untracked-files=all']).stdout.split('\n').filter(Boolean).map((line) => line.slice(3));
  expect(changed.filter((file) => !file.startsWith('packages/gift-cards/')).sort()).toEqual([
    '.github/CODEOWNERS',
    'apps/api/package.json',
    'apps/api/src/app.module.ts',
    'apps/api/src/database/module-databases.ts',
    'docs/api/gift-cards.api.md',
    'docs/modules.md',
    'package-lock.json',
  ]);
});

it('passes the boundary checks (dependency rules and declared dependencies)', () => {
  const result = repo.run('node', ['scripts/architecture/check-boundaries.mjs']);
  expect(result.stdout + result.stderr).toMatch(/rules 1-5 hold/);
  expect(result.status).toBe(0);
  // ... and they do check the new module: a planted framework import in its domain is refused.
  const planted = join(repo.dir, 'packages/gift-cards/src/internal/domain/planted.ts');
  writeFileSync(planted, "import { DataSource } from 'typeorm';\nexport const planted = DataSource;\n");
  try {
    const refused = repo.run('node', ['scripts/architecture/check-boundaries.mjs']);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('packages/gift-cards/src/internal/domain/planted.ts');
  } finally {
    rmSync(planted);
  }
}, 120_000);

it('passes lint, typecheck, build, unit and integration tests of the module and apps/api the first time', () => {
  const result = repo.run('node', ['node_modules/.bin/turbo', 'run', 'lint', 'typecheck', 'build', 'test:integration', '--filter=@orderly/gift-cards', '--filter=@orderly/api', '--concurrency=2', '--output-logs=errors-only']);
  const output = result.stdout + result.stderr;
  expect(output).toMatch(/Tasks:\s+(\d+) successful, \1 total/);
  expect(result.status).toBe(0);
  // The unit tiers (the module's with its contract tests; apps/api's with the architecture tests:
  // boundaries, event contracts, database rights). Two of apps/api's files are left out here: they
  // plant violations in copies of the tree to show the boundary and docs checkers fail (the
  // repository's own run does that), and their checks of the real tree are run on this copy above
  // (check-boundaries.mjs, generate-docs.mjs --check). They took about half of this test's time.
  const unit = (cwd: string, ...args: string[]) => repo.run('node', ['../../scripts/jest.mjs', '--tier', 'unit', ...args], { cwd });
  const moduleUnit = unit('packages/gift-cards');
  const apiUnit = unit('apps/api', '--testPathIgnorePatterns', '/test/architecture/(dependency-rules|generated-docs)\\.test\\.ts$');
  const results = (pkg: string, tier: string) => JSON.parse(readFileSync(join(repo.dir, `${pkg}/.test-results/${tier}.json`), 'utf8'));
  expect({ status: moduleUnit.status, output: moduleUnit.status === 0 ? '' : moduleUnit.stdout + moduleUnit.stderr }).toEqual({ status: 0, output: '' });
  expect({ status: apiUnit.status, output: apiUnit.status === 0 ? '' : apiUnit.stdout + apiUnit.stderr }).toEqual({ status: 0, output: '' });
  expect([results('packages/gift-cards', 'unit').numPassedTests, results('packages/gift-cards', 'unit').numFailedTests]).toEqual([4, 0]);
  expect([results('packages/gift-cards', 'integration').numPassedTests, results('packages/gift-cards', 'integration').numFailedTests]).toEqual([2, 0]);
  const apiUnitFiles = results('apps/api', 'unit').testResults.map((r: { name: string }) => r.name.slice(r.name.indexOf('test/'))).sort();
  expect(apiUnitFiles).toEqual(expect.arrayContaining(['test/architecture/deep-import.test.ts', 'test/architecture/event-contracts.test.ts', 'test/unit/openapi-conformance.test.ts']));
  expect(apiUnitFiles).not.toContain('test/architecture/dependency-rules.test.ts');
  expect(results('apps/api', 'unit').numFailedTests).toBe(0);
  expect(results('apps/api', 'unit').numPassedTests).toBeGreaterThan(0);
  expect(results('apps/api', 'integration').numFailedTests).toBe(0);
  expect(results('apps/api', 'integration').numPassedTests).toBeGreaterThan(0);
}, 1_200_000);

it('boots the real app with the module wired in: documented routes, migrations, database and relay ready', () => {
  // The part of apps/api's e2e tier a new module can break (see the top of this file for why not all of it).
  const files = ['test/e2e/openapi.e2e.test.ts', 'test/e2e/operations.e2e.test.ts'];
  const result = repo.run('node', ['../../scripts/jest.mjs', '--tier', 'e2e', ...files], { cwd: 'apps/api' });
  const e2e = JSON.parse(readFileSync(join(repo.dir, 'apps/api/.test-results/e2e.json'), 'utf8'));
  expect({ failed: e2e.numFailedTests, output: e2e.numFailedTests > 0 ? result.stdout + result.stderr : '' }).toEqual({ failed: 0, output: '' });
  expect(e2e.testResults.map((r: { name: string }) => r.name.slice(r.name.indexOf('test/e2e/'))).sort()).toEqual(files);
  expect(e2e.numPassedTests).toBeGreaterThan(20);
  expect(result.status).toBe(0);
  // Among them, the two that see the new module by name: every served route (GET /gift-cards/status
  // too) is in the document, and readiness lists a check per entry of moduleDatabases (giftCardsDatabase too).
  const passed = e2e.testResults.flatMap((r: { assertionResults: { title: string; status: string }[] }) => r.assertionResults)
    .filter((a: { status: string }) => a.status === 'passed').map((a: { title: string }) => a.title);
  expect(passed).toEqual(expect.arrayContaining(['describes exactly the routes the app serves', 'is ready when every module database answers and every relay runs']));
}, 600_000);

it('refuses a name that is not lower-case words joined by "-", and an existing module', () => {
  expect(repo.run('npm', ['run', '--silent', 'new-module', '--', 'GiftCards']).status).toBe(2);
  const again = repo.run('npm', ['run', '--silent', 'new-module', '--', 'orders']);
  expect(again.status).toBe(1);
  expect(again.stderr).toContain('packages/orders already exists');
});
