// Summarises a V8 .cpuprofile (node --cpu-prof): self time by package and the top functions.
// Usage: node bench/src/profile-summary.mjs <file.cpuprofile> [top] [skipSeconds]
// skipSeconds leaves out the first seconds of the profile (start-up, seeding), so only load counts.
import { readFileSync } from 'node:fs';

const PAUSED_US = 100_000;

export function summariseProfile(file, top = 25, skipSeconds = 0) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const from = profile.startTime + skipSeconds * 1e6;
  let at = profile.startTime;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from) continue;
    // A gap longer than PAUSED_US means the process was not running - the bench SIGSTOPs Orderly
    // while the baseline runs - and must not be charged to the last function sampled before it.
    const gap = profile.timeDeltas[i + 1] ?? 0;
    const dt = gap >= PAUSED_US ? 0 : gap;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byPackage = new Map();
  const byFunction = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const pkg = packageOf(callFrame.url, callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const key = `${callFrame.functionName || '(anonymous)'}  ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [`total sampled: ${(total / 1e6).toFixed(1)} s`, '', 'self time by package:'];
  for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`  ${pct(us)}  ${pkg}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${fn}`);
  return lines.join('\n');
}

function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ws = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ws) return `orderly ${ws[1]}/${ws[2]}`;
  if (url.startsWith('node:')) return 'node core';
  return url;
}

function shortUrl(url) {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const ws = /\/((packages|apps)\/.*)$/.exec(url);
  return ws ? ws[1] : url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(summariseProfile(process.argv[2], Number(process.argv[3] ?? 25), Number(process.argv[4] ?? 0)));
}
