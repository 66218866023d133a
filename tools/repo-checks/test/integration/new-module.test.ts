// `npm run new-module -- <name>` on a temporary copy of the repository: the generated module
// passes lint, typecheck and its tests at every tier the first time, and is registered in
// CODEOWNERS and docs/modules.md.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, type RepoCopy } from '../support/repo-copy.js';

let repo: RepoCopy;
let generated: { status: number | null; output: string };

beforeAll(() => {
  repo = copyRepo();
  const result = repo.run('npm', ['run', '--silent', 'new-module', '--', 'gift-cards']);
  generated = { status: result.status, output: result.stdout + result.stderr };
  repo.linkWorkspace('@orderly/gift-cards', 'packages/gift-cards');
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

it('passes lint, typecheck, build and its unit, contract and integration tests the first time', () => {
  const result = repo.run('node', ['node_modules/.bin/turbo', 'run', 'lint', 'typecheck', 'build', 'test', '--filter=@orderly/gift-cards', '--output-logs=errors-only']);
  const output = result.stdout + result.stderr;
  expect(output).toMatch(/Tasks:\s+(\d+) successful, \1 total/);
  expect(result.status).toBe(0);
  const results = (tier: string) => JSON.parse(readFileSync(join(repo.dir, `packages/gift-cards/.test-results/${tier}.json`), 'utf8'));
  expect([results('unit').numPassedTests, results('unit').numFailedTests]).toEqual([4, 0]);
  expect([results('integration').numPassedTests, results('integration').numFailedTests]).toEqual([2, 0]);
}, 300_000);

it('refuses a name that is not lower-case words joined by "-", and an existing module', () => {
  expect(repo.run('npm', ['run', '--silent', 'new-module', '--', 'GiftCards']).status).toBe(2);
  const again = repo.run('npm', ['run', '--silent', 'new-module', '--', 'orders']);
  expect(again.status).toBe(1);
  expect(again.stderr).toContain('packages/orders already exists');
});
