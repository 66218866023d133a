// docs/modules.md and the public-API reports (docs/api/*.api.md) are generated from the code by
// scripts/architecture/generate-docs.mjs. The committed files must be exactly what the generator
// writes for the current tree (so regeneration on an unchanged tree is byte-for-byte identical),
// and a planted change to a module's exported surface must fail the check until they are
// regenerated - golden output of what the author of the change sees.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepository, repositoryRoot, runScript, type RepositoryCopy } from './repository-copy.js';

const generator = 'scripts/architecture/generate-docs.mjs';

async function checkWith(plant: (copy: RepositoryCopy) => void) {
  const copy = copyRepository();
  try {
    plant(copy);
    return await runScript(generator, ['--check', '--root', copy.root]);
  } finally {
    copy.remove();
  }
}

const ADVICE = 'Run `npm run docs:modules` and review the diff: an API report change is a change to what other packages may use.';

interface StaleReport {
  readonly file: string;
  readonly line: number;
  readonly committed: string;
  readonly fromCode: string;
}

/**
 * Parses the check's output, holding it to its exact format (golden shape: one block per stale
 * file, then the advice) and each block to the committed file itself: the quoted committed line
 * must be that line of the file. Line numbers come from the tree, so the test does not go stale
 * every time a module's public API legitimately changes.
 */
function staleReports(output: string): StaleReport[] {
  const lines = output.split('\n');
  expect(lines.at(-1)).toBe(ADVICE);
  const block = /^(\S+) is stale: it differs from what the code says\.\n {2}first difference at line (\d+):\n {4}committed: (".*")\n {4}from code: (".*")$/;
  const reports: StaleReport[] = [];
  for (let i = 0; i < lines.length - 1; i += 4) {
    const match = block.exec(lines.slice(i, i + 4).join('\n'));
    expect(match).not.toBeNull();
    const [, file, line, committed, fromCode] = match!;
    const report = { file: file!, line: Number(line), committed: JSON.parse(committed!), fromCode: JSON.parse(fromCode!) };
    const committedLines = readFileSync(join(repositoryRoot, report.file), 'utf8').split('\n');
    const committedLine = committedLines[report.line - 1] ?? '';
    // The check shortens lines over 400 characters to their first 400 and '...'.
    expect(committedLine.length > 400 ? `${committedLine.slice(0, 400)}...` : committedLine).toBe(report.committed);
    reports.push(report);
  }
  return reports;
}

type Outcome = { status: number | null; output: string };
let real: Outcome;
let newExport: Outcome;
let changedSignature: Outcome;
let removedSubscription: Outcome;
let leakedType: Outcome;

// The checks run side by side: each spends most of its time in the TypeScript compiler.
beforeAll(async () => {
  [real, newExport, changedSignature, removedSubscription, leakedType] = await Promise.all([
    runScript(generator, ['--check', '--root', repositoryRoot]),
    checkWith((copy) => copy.append('packages/orders/src/index.ts', "export const A_PLANTED_EXPORT = 'planted';\n")),
    checkWith((copy) =>
      copy.replace(
        'packages/products/src/contracts/ports.ts',
        'reserve(orderId: string, lines:',
        'reserve(orderId: string | number, lines:',
      ),
    ),
    checkWith((copy) => copy.replace('apps/api/src/app.module.ts', 'subscribe(OrderPlacedV1, SEND_ORDER_CONFIRMATION),', '')),
    // An application port whose signature names the domain's Order, which orders does not export.
    checkWith((copy) => copy.append('packages/orders/src/index.ts', "export type { OrderRepository } from './internal/application/ports.js';\n")),
  ]);
}, 300_000);

describe('generated module docs and public-API reports', () => {
  it('are up to date in the real tree (regenerating changes no byte)', () => {
    const result = real;
    // docs/modules.md and one report per public entry: no count to edit when a module is added.
    expect(result.output).toBe(`generated docs are up to date (${readdirSync(join(repositoryRoot, 'docs/api')).length + 1} files)`);
    expect(result.status).toBe(0);
  });

  it('fail when a package exports something new, until docs/modules.md and its report are regenerated', () => {
    const reports = staleReports(newExport.output);
    expect(reports.map((r) => r.file)).toEqual(['docs/modules.md', 'docs/api/orders.api.md']);
    expect(reports[0]!.fromCode).toContain('`A_PLANTED_EXPORT`');
    expect(reports[0]!.committed).not.toContain('A_PLANTED_EXPORT');
    expect(newExport.status).toBe(1);
  });

  it("fail when an exported interface's signature changes, even though no name changes", () => {
    const reports = staleReports(changedSignature.output);
    expect(reports.map((r) => r.file)).toEqual(['docs/api/products.api.md']);
    expect(reports[0]!.committed).toBe('  reserve(orderId: string, lines: readonly StockRequestLine[], options?: { newOrderId?: boolean; }): Promise<StockReservationOutcome>;');
    // Lines up to 400 characters are shown whole (a package's export list is long, and what changed may be near its end).
    expect(reports[0]!.fromCode).toBe('  reserve(orderId: string | number, lines: readonly StockRequestLine[], options?: { newOrderId?: boolean; }): Promise<StockReservationOutcome>;');
    expect(changedSignature.status).toBe(1);
  });

  it('fail when a subscription in apps/api changes: the event flows are read from app.module.ts', () => {
    const reports = staleReports(removedSubscription.output);
    expect(reports.map((r) => r.file)).toEqual(['docs/modules.md']);
    expect(reports[0]!.committed).toBe('  orders -. "orders.OrderPlaced v1 → notifications.SendOrderConfirmation" .-> notifications');
    expect(removedSubscription.status).toBe(1);
  });

  it('fail when a public signature names a type that no public entry exports', () => {
    expect(leakedType.output.split('\n').slice(0, 3)).toEqual([
      'public API: 1 public signature names a type that no public entry exports',
      '  @orderly/orders: OrderRepository names Order (packages/orders/src/internal/domain/order.ts)',
      "Export the type from the package's src/index.ts if consumers may rely on it (it becomes a contract), or keep it out of the public signature.",
    ]);
    expect(leakedType.status).toBe(1);
  });
});
