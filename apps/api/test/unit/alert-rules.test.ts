// The shipped Prometheus alert rules (src/metrics/orderly-alerts.yml; the metrics they name are
// @orderly/host's OrderlyMetrics) are well-formed and every metric they name is one /metrics
// exports (promtool is not available here): a renamed metric must break this test, not silently
// disable an alert.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { OrderlyMetrics } from '@orderly/host';

const rulesFile = fileURLToPath(new URL('../../src/metrics/orderly-alerts.yml', import.meta.url));
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);
const PROMQL_FUNCTIONS = new Set(['max', 'min', 'sum', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'absent', 'delta', 'deriv', 'max_over_time', 'min_over_time']);
const DURATION = /^\d+[smhd]$/;

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** Series names the registry exports, histogram series included. */
async function exportedSeries(): Promise<Set<string>> {
  const metrics = new OrderlyMetrics();
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

/** What is wrong with a rules file, as readable lines (empty when nothing is). */
function problemsOf(text: string, series: Set<string>): string[] {
  const problems: string[] = [];
  const document = parse(text) as { groups?: { name?: unknown; rules?: Rule[] }[] };
  if (!Array.isArray(document?.groups) || document.groups.length === 0) return ['no rule groups'];
  for (const group of document.groups) {
    if (typeof group.name !== 'string') problems.push('a group without a name');
    for (const rule of group.rules ?? []) {
      const name = typeof rule.alert === 'string' ? rule.alert : '(unnamed)';
      if (typeof rule.alert !== 'string' || !/^[A-Z][A-Za-z0-9]+$/.test(rule.alert)) problems.push(`${name}: alert must be a CamelCase name`);
      if (typeof rule.for !== 'string' || !DURATION.test(rule.for)) problems.push(`${name}: for must be a duration such as 5m`);
      if (!['warning', 'critical'].includes(String(rule.labels?.severity))) problems.push(`${name}: labels.severity must be warning or critical`);
      if (typeof rule.annotations?.summary !== 'string') problems.push(`${name}: annotations.summary is missing`);
      if (typeof rule.expr !== 'string') {
        problems.push(`${name}: expr is missing`);
        continue;
      }
      const expr = rule.expr.replace(/"[^"]*"/g, '""');
      let depth = 0;
      for (const c of expr) {
        depth += c === '(' ? 1 : c === ')' ? -1 : 0;
        if (depth < 0) break;
      }
      if (depth !== 0) problems.push(`${name}: unbalanced parentheses in ${rule.expr}`);
      const identifiers = expr.replace(/\[[^\]]*\]/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '').match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
      const metrics = identifiers.filter((id) => !PROMQL_WORDS.has(id) && !PROMQL_FUNCTIONS.has(id) && id !== 'le');
      if (metrics.length === 0) problems.push(`${name}: expr names no metric`);
      for (const metric of metrics) {
        if (!series.has(metric)) problems.push(`${name}: ${metric} is not exported at /metrics`);
      }
    }
  }
  return problems;
}

it('ships rules whose every metric is exported at /metrics, for backlog age and dead letters', async () => {
  const text = readFileSync(rulesFile, 'utf8');
  expect(problemsOf(text, await exportedSeries())).toEqual([]);
  const alerts = (parse(text) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.expr as string));
  expect(alerts.some((expr) => expr.includes('orderly_outbox_oldest_pending_age_seconds'))).toBe(true);
  expect(alerts.some((expr) => expr.includes('orderly_event_deliveries_dead'))).toBe(true);
});

it('fails on a planted rule naming a metric that does not exist, or a malformed one', async () => {
  const planted = readFileSync(rulesFile, 'utf8').replace('max by (module) (orderly_outbox_oldest_pending_age_seconds) > 60', 'max by (module) (orderly_outbox_oldest_pendng_age_seconds) > 60');
  expect(problemsOf(planted, await exportedSeries())).toEqual(['OrderlyEventBacklogAging: orderly_outbox_oldest_pendng_age_seconds is not exported at /metrics']);
  const malformed = `groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: max(orderly_event_deliveries_dead > 0\n        for: soon\n`;
  expect(problemsOf(malformed, await exportedSeries())).toEqual([
    'Broken: for must be a duration such as 5m',
    'Broken: labels.severity must be warning or critical',
    'Broken: annotations.summary is missing',
    'Broken: unbalanced parentheses in max(orderly_event_deliveries_dead > 0',
  ]);
});
