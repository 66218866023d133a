// Proof that turbo's cache hits exactly when it should, on a temporary copy of the repository.
// A task re-runs when its hash changes and is served from the cache when its hash is the same
// as a cached run's; so comparing the hashes turbo computes (`--dry=json`) before and after an
// edit shows exactly which tasks an edit re-runs. One real run shows an unchanged hash is a hit.
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, type RepoCopy } from '../support/repo-copy.js';

const TASKS = ['build', 'lint', 'typecheck', 'test'];
// The repository's own checks (this package) read the whole tree, so any edit re-runs them.
const REPO_CHECKS = '@orderly/repo-checks';

interface DryTask {
  readonly taskId: string;
  readonly package: string;
  readonly task: string;
  readonly hash: string;
  readonly command: string;
  readonly cache: { readonly status: string };
  readonly resolvedTaskDefinition: { readonly cache: boolean };
}

let repo: RepoCopy;
let baseline: Map<string, string>;

function dryRun(tasks: readonly string[] = TASKS): DryTask[] {
  const plan = JSON.parse(repo.turbo(['run', ...tasks, '--dry=json'])) as { tasks: DryTask[] };
  return plan.tasks.filter((t) => t.command !== '<NONEXISTENT>');
}

function hashes(): Map<string, string> {
  return new Map(dryRun().map((t) => [t.taskId, t.hash]));
}

/** The tasks whose hash an edit changes (so the tasks it re-runs); the edit is undone after. */
function rerunBy(file: string, edit: (content: string) => string): string[] {
  const path = join(repo.dir, file);
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, edit(original));
  try {
    const after = hashes();
    return [...after].filter(([id, hash]) => baseline.get(id) !== hash).map(([id]) => id).filter((id) => !id.startsWith(`${REPO_CHECKS}#`)).sort();
  } finally {
    writeFileSync(path, original);
  }
}

const addComment = (content: string) => `${content}\n// an edit\n`;
const tasksOf = (pkg: string) => [...baseline.keys()].filter((id) => id.startsWith(`${pkg}#`));
const everyTask = () => [...baseline.keys()].filter((id) => !id.startsWith(`${REPO_CHECKS}#`)).sort();
const firstFile = (dir: string) => {
  const file = readdirSync(join(repo.dir, dir)).filter((f) => f.endsWith('.ts')).sort()[0];
  if (!file) throw new Error(`no .ts file in ${dir}`);
  return `${dir}/${file}`;
};

beforeAll(() => {
  repo = copyRepo();
  baseline = hashes();
}, 120_000);
afterAll(() => repo?.remove());

it('plans every lint, typecheck, build and test task of every package, all cacheable', () => {
  const tasks = dryRun();
  for (const pkg of ['@orderly/kernel', '@orderly/testing', '@orderly/orders', '@orderly/products', '@orderly/notifications', '@orderly/api']) {
    expect(tasks.filter((t) => t.package === pkg).map((t) => t.task)).toEqual(expect.arrayContaining(['build', 'lint', 'typecheck']));
  }
  expect(tasks.filter((t) => t.task.startsWith('test:')).length).toBeGreaterThanOrEqual(10);
  expect(tasks.filter((t) => !t.resolvedTaskDefinition.cache)).toEqual([]);
});

it('computes the same hash for every task when nothing changed', () => {
  expect(Object.fromEntries(hashes())).toEqual(Object.fromEntries(baseline));
});

it('serves a second run with no change from the cache', () => {
  const tasks = ['lint', '--filter=@orderly/notifications'];
  expect(dryRun(tasks).map((t) => t.cache.status)).toEqual(['MISS']);
  repo.turbo(['run', ...tasks, '--output-logs=none']);
  expect(dryRun(tasks).map((t) => t.cache.status)).toEqual(['HIT']);
  const second = repo.turbo(['run', ...tasks]);
  expect(second).toContain('cache hit');
  expect(second).toMatch(/Cached:\s+1 cached, 1 total/);
}, 120_000);

it("re-runs notifications' tasks and its dependents' for a change inside notifications' internals, and nothing of orders or products", () => {
  const rerun = rerunBy(firstFile('packages/notifications/src/internal/domain'), addComment);
  expect(rerun).toEqual(
    [
      ...tasksOf('@orderly/notifications'),
      '@orderly/api#build',
      '@orderly/api#typecheck',
      '@orderly/api#test:unit',
      '@orderly/api#test:integration',
      '@orderly/api#test:e2e',
      '@orderly/api#test:processes',
      // The notifications service composes the notifications module.
      '@orderly/notifications-service#build',
      '@orderly/notifications-service#typecheck',
      '@orderly/notifications-service#test:unit',
      '@orderly/notifications-service#test:e2e',
      // The benchmark drives the whole app (it depends on every module).
      '@orderly/bench#typecheck',
      '@orderly/bench#test:e2e',
    ].sort(),
  );
  expect(rerun.filter((id) => id.startsWith('@orderly/orders#') || id.startsWith('@orderly/products#'))).toEqual([]);
});

it("re-runs a package's dependents for a change to its public entry", () => {
  const rerun = rerunBy('packages/orders/src/index.ts', addComment);
  expect(rerun).toEqual(
    [
      ...tasksOf('@orderly/orders'),
      '@orderly/api#build',
      '@orderly/api#typecheck',
      '@orderly/api#test:unit',
      '@orderly/api#test:integration',
      '@orderly/api#test:e2e',
      '@orderly/api#test:processes',
      // The notifications service reads orders' event contracts.
      '@orderly/notifications-service#build',
      '@orderly/notifications-service#typecheck',
      '@orderly/notifications-service#test:unit',
      '@orderly/notifications-service#test:e2e',
      '@orderly/bench#typecheck',
      '@orderly/bench#test:e2e',
    ].sort(),
  );
});

it("re-runs every module's tasks for a change to the kernel they all depend on", () => {
  const rerun = rerunBy('packages/kernel/src/index.ts', addComment);
  for (const pkg of ['@orderly/testing', '@orderly/orders', '@orderly/products', '@orderly/notifications', '@orderly/api']) {
    expect(rerun).toEqual(expect.arrayContaining(tasksOf(pkg).filter((id) => !id.endsWith('#lint'))));
  }
});

it('re-runs everything for a change to the lockfile', () => {
  const rerun = rerunBy('package-lock.json', (lock) => lock.replace(/\n$/, '\n\n'));
  expect(rerun).toEqual(everyTask());
});

it('re-runs everything for a change to tsconfig.base.json', () => {
  const rerun = rerunBy('tsconfig.base.json', (config) => config.replace('"strict": true', '"strict": true, "noImplicitReturns": false'));
  expect(rerun).toEqual(everyTask());
});

it("re-runs a module's database tests for a change to one of its migrations, and no other module's", () => {
  const migration = firstFile('packages/notifications/src/internal/infrastructure/migrations');
  const rerun = rerunBy(migration, addComment);
  expect(rerun).toContain('@orderly/notifications#test:integration');
  // apps/api's database tests provision every module (database-rights.test.ts), so they re-run too.
  expect(rerun.filter((id) => id.endsWith('#test:integration')).sort()).toEqual(['@orderly/api#test:integration', '@orderly/notifications#test:integration']);
});

it('re-runs every database test for a change to the test harness', () => {
  const rerun = rerunBy('packages/testing/src/test-postgres.ts', addComment);
  expect(rerun).toEqual(
    expect.arrayContaining([
      '@orderly/testing#test:integration',
      '@orderly/orders#test:integration',
      '@orderly/products#test:integration',
      '@orderly/notifications#test:integration',
      '@orderly/api#test:integration',
      '@orderly/api#test:e2e',
      '@orderly/api#test:processes',
    ]),
  );
  // The kernel does not depend on the harness.
  expect(rerun.filter((id) => id.startsWith('@orderly/kernel#'))).toEqual([]);
});

it("starts the API's in-process e2e tier with no build; only the files that run dist/ wait for it", () => {
  const tasks = dryRun() as (DryTask & { readonly dependencies: readonly string[] })[];
  const dependencies = (id: string) => tasks.find((t) => t.taskId === id)?.dependencies ?? [];
  expect(dependencies('@orderly/api#test:e2e').filter((id) => id.endsWith('#build'))).toEqual([]);
  expect(dependencies('@orderly/api#test:processes')).toContain('@orderly/api#build');
  // An edit to a file of one of the two tiers re-runs that tier (and the package's lint and typecheck), not the other.
  expect(rerunBy('apps/api/test/processes/built-api.ts', addComment)).toEqual(['@orderly/api#lint', '@orderly/api#test:processes', '@orderly/api#typecheck']);
});

it('re-runs only the tier whose tests changed', () => {
  // apps/api's architecture checks (boundaries, generated docs: its unit tier) read every package's files.
  const rerun = rerunBy(firstFile('packages/orders/test/unit'), addComment);
  expect(rerun).toEqual(['@orderly/api#test:unit', '@orderly/orders#lint', '@orderly/orders#test:unit', '@orderly/orders#typecheck']);
  const integration = rerunBy(firstFile('packages/orders/test/integration'), addComment);
  expect(integration).toEqual(['@orderly/api#test:unit', '@orderly/orders#lint', '@orderly/orders#test:integration', '@orderly/orders#typecheck']);
});

it('re-runs lint, and only lint, for a change to the lint config', () => {
  const rerun = rerunBy('eslint.config.js', addComment);
  expect(rerun).toEqual(everyTask().filter((id) => id.endsWith('#lint')).sort());
});

it('re-runs these proofs, and no package task, for a change to turbo.json', () => {
  // turbo does not hash turbo.json itself, only the task definitions it resolves: a change that
  // leaves them alone re-runs nothing, but the proofs read turbo.json and must run again.
  const path = join(repo.dir, 'turbo.json');
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, original.replace('"ui": "stream"', '"ui": "stream", "noUpdateNotifier": true'));
  try {
    const after = hashes();
    const changed = [...after].filter(([id, hash]) => baseline.get(id) !== hash).map(([id]) => id).sort();
    expect(changed).toEqual([`${REPO_CHECKS}#test:integration`, `${REPO_CHECKS}#test:unit`]);
  } finally {
    writeFileSync(path, original);
  }
});

it('changes no hash for an edit to documentation', () => {
  appendFileSync(join(repo.dir, 'docs/architecture.md'), '\nan edit\n');
  expect(rerunBy('README.md', (readme) => `${readme}\nan edit\n`)).toEqual([]);
});
