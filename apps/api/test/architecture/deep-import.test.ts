// A planted deep import into another package's internals must fail the build (tsc), the run
// (node) and the tests (jest). The control case - the same symbol through the public entry -
// compiles, so these tests fail if the check stops checking.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(source: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(apiDir, '.planted-'));
  try {
    writeFileSync(join(dir, 'planted.ts'), source);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../tsconfig.base.json', compilerOptions: { noEmit: true, customConditions: [] }, files: ['planted.ts'] }),
    );
    const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    return { ok: result.status === 0, output: result.stdout + result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a deep import into another package', () => {
  beforeAll(() => {
    // tsc resolves the published entry (dist/*.d.ts) here, as a consumer's build does.
    execFileSync('npx', ['turbo', 'run', 'build', '--filter=@orderly/products', '--output-logs=none'], { cwd: apiDir, stdio: 'ignore' });
  }, 120_000);

  it('compiles through the public entry (control)', () => {
    const result = compile(`import { STOCK_RESERVATIONS } from '@orderly/products';\nexport const x = STOCK_RESERVATIONS;\n`);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('fails the build', () => {
    const result = compile(`import { Product } from '@orderly/products/src/internal/domain/product.js';\nexport const x = Product;\n`);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("error TS2307: Cannot find module '@orderly/products/src/internal/domain/product.js'");
  });

  it('fails at run time in node', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('@orderly/products/src/internal/domain/product.js')"], {
      cwd: apiDir,
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('fails in jest', async () => {
    const internal = '@orderly/products/src/internal/domain/product.js';
    await expect(import(internal)).rejects.toThrow(/not defined by "exports"|Cannot find module/);
  });
});
