import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEventDocs, describeBreakingChange, expectedEventDocs } from './events/event-contracts.js';

/**
 * `npm run docs:events`: writes docs/events/<type>.v<version>.json (each event version's committed
 * contract) and docs/asyncapi.json from the code. Refuses, writing nothing, when the code breaks a
 * committed contract: that change needs a new event version.
 */
const root = fileURLToPath(new URL('../../..', import.meta.url));
const report = checkEventDocs(root);
if (report.breaking.length > 0) {
  for (const change of report.breaking) console.error(describeBreakingChange(change));
  process.exit(1);
}
for (const [path, content] of expectedEventDocs()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
for (const path of report.orphaned) rmSync(join(root, path));
console.log(report.stale.length + report.orphaned.length === 0 ? 'event contracts are up to date' : `wrote ${[...report.stale, ...report.orphaned.map((p) => `${p} (removed)`)].join(', ')}`);
