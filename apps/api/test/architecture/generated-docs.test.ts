// docs/modules.md and the public-API reports (docs/api/*.api.md) are generated from the code by
// scripts/architecture/generate-docs.mjs. The committed files must be exactly what the generator
// writes for the current tree (so regeneration on an unchanged tree is byte-for-byte identical),
// and a planted change to a module's exported surface must fail the check until they are
// regenerated - golden output of what the author of the change sees.
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

type Outcome = { status: number | null; output: string };
let real: Outcome;
let newExport: Outcome;
let changedSignature: Outcome;
let removedSubscription: Outcome;

// The checks run side by side: each spends most of its time in the TypeScript compiler.
beforeAll(async () => {
  [real, newExport, changedSignature, removedSubscription] = await Promise.all([
    runScript(generator, ['--check', '--root', repositoryRoot]),
    checkWith((copy) => copy.append('packages/orders/src/index.ts', "export const PLANTED_EXPORT = 'planted';\n")),
    checkWith((copy) =>
      copy.replace(
        'packages/products/src/internal/application/stock-reservations.ts',
        'async reserve(orderId: string, lines:',
        'async reserve(orderId: string | number, lines:',
      ),
    ),
    checkWith((copy) => copy.replace('apps/api/src/app.module.ts', 'subscribe(OrderPlacedV1, SendOrderConfirmation),', '')),
  ]);
}, 300_000);

describe('generated module docs and public-API reports', () => {
  it('are up to date in the real tree (regenerating changes no byte)', () => {
    const result = real;
    expect(result.output).toBe('generated docs are up to date (6 files)');
    expect(result.status).toBe(0);
  });

  it('fail when a package exports something new, until docs/modules.md and its report are regenerated', () => {
    const result = newExport;
    expect(result.output).toBe(`docs/modules.md is stale: it differs from what the code says.
  first difference at line 84:
    committed: "- const: \`INVENTORY_PORT\`, \`OrderPlacedV1\`, \`ordersDatabase\`"
    from code: "- const: \`INVENTORY_PORT\`, \`OrderPlacedV1\`, \`ordersDatabase\`, \`PLANTED_EXPORT\`"
docs/api/orders.api.md is stale: it differs from what the code says.
  first difference at line 99:
    committed: "\`\`\`"
    from code: ""
Run \`npm run docs:modules\` and review the diff: an API report change is a change to what other packages may use.`);
    expect(result.status).toBe(1);
  });

  it("fail when an exported class's public signature changes, even though no name changes", () => {
    const result = changedSignature;
    expect(result.output).toBe(`docs/api/products.api.md is stale: it differs from what the code says.
  first difference at line 71:
    committed: "  reserve(orderId: string, lines: readonly StockRequestLine[]): Promise<StockReservationOutcome>;"
    from code: "  reserve(orderId: string | number, lines: readonly StockRequestLine[]): Promise<StockReservationOutcome>;"
Run \`npm run docs:modules\` and review the diff: an API report change is a change to what other packages may use.`);
    expect(result.status).toBe(1);
  });

  it('fail when a subscription in apps/api changes: the event flows are read from app.module.ts', () => {
    expect(removedSubscription.output).toBe(`docs/modules.md is stale: it differs from what the code says.
  first difference at line 31:
    committed: "  orders -. \\"orders.OrderPlaced v1 → SendOrderConfirmation\\" .-> notifications"
    from code: "\`\`\`"
Run \`npm run docs:modules\` and review the diff: an API report change is a change to what other packages may use.`);
    expect(removedSubscription.status).toBe(1);
  });
});
