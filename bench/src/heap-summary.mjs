#!/usr/bin/env node
// `node bench/src/heap-summary.mjs <file.heapsnapshot> [top]`: what a V8 heap snapshot holds,
// by constructor (self size, count) and by kind - the summary docs/performance.md shows. Take a
// snapshot of a running Orderly with `node --heapsnapshot-signal=SIGUSR2 apps/api/dist/main.js`
// and `kill -USR2 <pid>` (it writes Heap.*.heapsnapshot into the working directory).
import { readFileSync } from 'node:fs';

const [file, topArg = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/src/heap-summary.mjs <file.heapsnapshot> [top]');
  process.exit(2);
}
const snapshot = JSON.parse(readFileSync(file, 'utf8'));
const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
const width = fields.length;
const at = (name) => fields.indexOf(name);
const [TYPE, NAME, SIZE] = [at('type'), at('name'), at('self_size')];
const byConstructor = new Map();
const byKind = new Map();
let total = 0;
const nodes = snapshot.nodes;
for (let i = 0; i < nodes.length; i += width) {
  const kind = types[nodes[i + TYPE]];
  const size = nodes[i + SIZE];
  total += size;
  const name = kind === 'object' || kind === 'closure' ? `${kind === 'closure' ? 'closure ' : ''}${snapshot.strings[nodes[i + NAME]]}` : `(${kind})`;
  const entry = byConstructor.get(name) ?? { size: 0, count: 0 };
  entry.size += size;
  entry.count += 1;
  byConstructor.set(name, entry);
  byKind.set(kind, (byKind.get(kind) ?? 0) + size);
}
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1).padStart(6);
console.log(`${file}: ${mib(total)} MiB in ${nodes.length / width} objects (self sizes)`);
console.log('\nby kind:');
for (const [kind, size] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${mib(size)} MiB  ${kind}`);
console.log(`\ntop ${topArg} by constructor:`);
for (const [name, { size, count }] of [...byConstructor].sort((a, b) => b[1].size - a[1].size).slice(0, Number(topArg))) {
  console.log(`  ${mib(size)} MiB  ${String(count).padStart(8)}  ${name.slice(0, 80)}`);
}
