// .github/workflows/ci.yml is parsed by a real YAML parser and validated against the GitHub
// workflow JSON schema (SchemaStore's, built into @action-validator/core: no network needed),
// then checked for what this project's CI promises. The planted cases show the validator fails.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const { validateWorkflow } = createRequire(import.meta.url)('@action-validator/core') as typeof import('@action-validator/core');
const workflowPath = fileURLToPath(new URL('../../../../.github/workflows/ci.yml', import.meta.url));
const source = readFileSync(workflowPath, 'utf8');

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

function parseYaml(text: string): { value: unknown; errors: string[] } {
  const document = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: true });
  return { value: document.toJS(), errors: [...document.errors, ...document.warnings].map((e) => e.message) };
}

describe('the CI workflow', () => {
  const { value, errors } = parseYaml(source);
  const workflow = value as { on: Record<string, unknown>; jobs: Record<string, { steps: Step[] }> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('is well-formed YAML with no duplicate keys', () => {
    expect(errors).toEqual([]);
  });

  it('conforms to the GitHub workflow schema', () => {
    expect(validateWorkflow(source).errors).toEqual([]);
  });

  it('runs on pushes to main and on pull requests', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('caches npm downloads and persists the turbo cache between runs', () => {
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.cache).toBe('npm');
    const turboCache = steps.find((s) => s.uses?.startsWith('actions/cache@'));
    // turbo.json sets cacheDir to this folder.
    expect(turboCache?.with?.path).toBe('.turbo/cache');
    expect(String(turboCache?.with?.['restore-keys'])).toContain('turbo-');
    const turboConfig = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../turbo.json', import.meta.url)), 'utf8'));
    expect(turboConfig.cacheDir).toBe('.turbo/cache');
  });

  it('turns the remote cache on only when TURBO_TOKEN and TURBO_TEAM are configured', () => {
    const remote = steps.find((s) => s.env?.TURBO_TOKEN !== undefined);
    expect(remote?.env).toEqual({ TURBO_TOKEN: '${{ secrets.TURBO_TOKEN }}', TURBO_TEAM: '${{ vars.TURBO_TEAM }}' });
    expect(remote?.run).toContain('if [ -n "$TURBO_TOKEN" ] && [ -n "$TURBO_TEAM" ]');
    expect(remote?.run).toContain('>> "$GITHUB_ENV"');
  });

  it('runs the same checks as npm test: everything on main, the affected packages on pull requests', () => {
    const testRuns = steps.filter((s) => s.run?.startsWith('npm test'));
    expect(testRuns.map((s) => [s.if, s.run])).toEqual([
      ["github.event_name != 'pull_request'", 'npm test'],
      ["github.event_name == 'pull_request'", 'npm test -- --affected'],
    ]);
    expect(steps.findIndex((s) => s.run?.startsWith('npm ci'))).toBeLessThan(steps.indexOf(testRuns[0]!));
  });
});

describe('the checks on the workflow (planted mistakes)', () => {
  it('reject YAML with a duplicate key', () => {
    expect(parseYaml('jobs:\n  a: 1\n  a: 2\n').errors.join('\n')).toMatch(/unique/i);
  });

  it('reject a job with a misspelt key', () => {
    const planted = source.replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest');
    expect(planted).not.toBe(source);
    expect(JSON.stringify(validateWorkflow(planted).errors)).toContain("Additional property 'runs-onn' is not allowed");
  });

  it('reject a step whose inputs are not a mapping', () => {
    const planted = source.replace('cache: npm', 'cache: npm\n        - not-a-mapping');
    expect(validateWorkflow(planted).errors).not.toEqual([]);
  });
});
