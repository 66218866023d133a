// Every problem a client can be answered is documented: each error class a package raises
// (an ApplicationError, its type named after the class) and each business rule (its type named
// after the rule), and every problem apps/api answers itself (HTTP_PROBLEMS), is explained in
// docs/problem-types.md - which openapi.e2e holds equal to the OpenAPI document's Problem type
// enum - or is listed below as never reaching a client, with the reason. A new error class or rule
// fails here until it is documented (or shown not to reach HTTP).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HTTP_PROBLEMS, problemType, toProblem } from '@orderly/host';
import { ApplicationError, BusinessRuleViolation } from '@orderly/kernel';
import { repositoryRoot } from './repository-copy.js';

/** Problem types some package can raise that no client is ever answered, and why. */
const NEVER_ANSWERED: Record<string, string> = {
  'outbox-entry-not-found': 'raised to operators by `npm run events`, not over HTTP',
  'delivery-not-found': 'raised to operators by `npm run events`, not over HTTP',
  'outbox-entry-in-wrong-state': 'raised to operators by `npm run events`, not over HTTP',
  'order-must-have-one-to-50-lines': 'PlaceOrderRequest refuses it first (400 invalid-request)',
  'order-lines-must-have-distinct-products': 'PlaceOrderRequest refuses it first (400 invalid-request)',
  'quantity-must-be-between-1-and-1000': 'PlaceOrderRequest refuses it first (400 invalid-request)',
  'customer-email-must-be-valid': 'PlaceOrderRequest refuses it first (400 invalid-request; http-errors.e2e)',
  'unit-price-cannot-be-negative': 'prices come from products, whose own rules keep them >= 0',
  'sku-must-be-well-formed': 'CreateProductRequest refuses it first (400 invalid-request)',
  'stock-must-be-within-range': 'CreateProductRequest refuses it first (400 invalid-request)',
  'quantity-must-be-positive': 'the request classes refuse it first (400 invalid-request)',
  'cannot-reserve-more-than-available': 'stock reservations check availability first; orders answers insufficient-stock',
  'withdrawn-products-cannot-be-reserved': 'stock reservations check withdrawal first; orders answers withdrawn-products',
};

/** The kernel's bases: modules raise their subclasses. */
const BASES = new Set(['ApplicationError', 'NotFoundError', 'InvalidInputError']);

interface DeclaredClass {
  readonly name: string;
  readonly file: string;
  readonly abstract: boolean;
  readonly parent?: string;
  readonly isRule: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** The classes declared in the src/ of every package and app under `root`. */
function declaredClasses(root: string): DeclaredClass[] {
  const srcDirs = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group)).map((ws) => join(root, group, ws, 'src')).filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory()),
  );
  return srcDirs.flatMap(sourceFiles).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/^(?:export )?(abstract )?class (\w+)(?:<[^>{]*>)?(?: extends (\w+)(?:<[^>{]*>)?)?(?: implements ([\w ,<>]+?))? \{/gm)].map((m) => ({
      name: m[2]!,
      file: relative(root, file),
      abstract: m[1] !== undefined,
      parent: m[3],
      isRule: (m[4] ?? '').split(',').some((i) => i.trim() === 'BusinessRule'),
    }));
  });
}

/** The problem type each error class and business rule declared under `root` is answered with. */
function raisableProblems(root: string): { type: string; source: string }[] {
  const classes = declaredClasses(root);
  const byName = new Map(classes.map((c) => [c.name, c]));
  const ancestors = (c: DeclaredClass): string[] => {
    const chain: string[] = [];
    for (let parent = c.parent; parent !== undefined; parent = byName.get(parent)?.parent) chain.push(parent);
    return chain;
  };
  return classes.flatMap((c) => {
    const chain = ancestors(c);
    const source = `${c.name} (${c.file})`;
    if (c.abstract || BASES.has(c.name)) return [];
    if (chain.includes('ApplicationError')) {
      const error = new (class extends ApplicationError {
        readonly kind = 'conflict' as const;
        readonly title = c.name;
      })('');
      Object.defineProperty(error, 'name', { value: c.name });
      const type = chain.includes('InvalidInputError') ? problemType('invalid-request') : toProblem(error).type;
      return [{ type, source }];
    }
    if (c.isRule || chain.some((name) => byName.get(name)?.isRule)) {
      const type = toProblem(new BusinessRuleViolation({ name: c.name, message: '', isBroken: () => true })).type;
      return [{ type, source }];
    }
    return [];
  });
}

function documentedTypes(root: string): string[] {
  const table = readFileSync(join(root, 'docs/problem-types.md'), 'utf8');
  return [...table.matchAll(/^\| `([a-z0-9-]+)` \| (\d{3}) \|/gm)].map((m) => problemType(m[1]!));
}

function undocumented(root: string): string[] {
  const documented = new Set(documentedTypes(root));
  const never = new Set(Object.keys(NEVER_ANSWERED).map(problemType));
  const raised = [...raisableProblems(root), ...Object.keys(HTTP_PROBLEMS).map((name) => ({ type: problemType(name), source: 'HTTP_PROBLEMS' }))];
  return raised.filter((p) => !documented.has(p.type) && !never.has(p.type)).map((p) => `${p.type} from ${p.source}`);
}

it('finds the error classes and business rules of the modules', () => {
  const types = raisableProblems(repositoryRoot).map((p) => p.type);
  expect(types).toEqual(expect.arrayContaining(['insufficient-stock', 'order-not-found', 'sku-already-exists', 'only-confirmed-orders-can-be-shipped', 'name-must-be-one-to-200-characters'].map(problemType)));
  expect(types).toContain(problemType('invalid-request')); // InvalidCursor, RequestValidationFailed
});

it('documents every problem a package can raise, and every problem apps/api answers itself', () => {
  expect(undocumented(repositoryRoot)).toEqual([]);
});

it('lists as never answered only problems that some package still raises, none that is documented', () => {
  const raised = new Set(raisableProblems(repositoryRoot).map((p) => p.type));
  const documented = new Set(documentedTypes(repositoryRoot));
  const stale = Object.keys(NEVER_ANSWERED).map(problemType).filter((type) => !raised.has(type) || documented.has(type));
  expect(stale).toEqual([]);
});

it('fails on a planted undocumented error class and business rule', () => {
  const copy = mkdtempSync(join(tmpdir(), 'orderly-problems-'));
  try {
    for (const dir of ['docs', 'packages/gift-cards/src/domain', 'apps']) mkdirSync(join(copy, dir), { recursive: true });
    writeFileSync(join(copy, 'docs/problem-types.md'), readFileSync(join(repositoryRoot, 'docs/problem-types.md'), 'utf8'));
    writeFileSync(
      join(copy, 'packages/gift-cards/src/domain/planted.ts'),
      [
        "export class GiftCardExpired extends ApplicationError {",
        "  readonly kind = 'conflict' as const;",
        "  readonly title = 'Gift card expired';",
        '}',
        'export class BalanceMustCoverTheOrder implements BusinessRule {',
        "  readonly name = 'BalanceMustCoverTheOrder';",
        '}',
      ].join('\n'),
    );
    expect(undocumented(copy)).toEqual([
      `${problemType('gift-card-expired')} from GiftCardExpired (packages/gift-cards/src/domain/planted.ts)`,
      `${problemType('balance-must-cover-the-order')} from BalanceMustCoverTheOrder (packages/gift-cards/src/domain/planted.ts)`,
    ]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
