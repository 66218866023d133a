#!/usr/bin/env node
// `npm run new-module -- <name>`: scaffolds packages/<name> (@orderly/<name>) with every convention
// of a module package, and registers it where the repository lists its modules.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleFiles } from './new-module/templates.mjs';
import { registrations } from './new-module/registrations.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
  console.error('usage: npm run new-module -- <name>   (lower-case words joined by "-", e.g. invoicing or gift-cards)');
  process.exit(2);
}
const dir = join(root, 'packages', name);
if (existsSync(dir)) {
  console.error(`packages/${name} already exists`);
  process.exit(1);
}

const pascal = name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const names = {
  name,
  pascal,
  camel: pascal[0].toLowerCase() + pascal.slice(1),
  constant: name.replace(/-/g, '_').toUpperCase(),
  schema: name.replace(/-/g, '_'),
  role: `orderly_${name.replace(/-/g, '_')}`,
  migrationTimestamp: Date.now(),
  // Same versions as the existing modules, so the lockfile needs nothing new.
  versions: JSON.parse(readFileSync(join(root, 'packages', 'notifications', 'package.json'), 'utf8')),
  // The kernel's newest messaging tables, written into the first migration as a literal so that
  // the migration keeps doing the same thing when the kernel adds a version later.
  messagingVersion: latestMessagingVersion(),
};

function latestMessagingVersion() {
  const source = readFileSync(join(root, 'packages', 'kernel', 'src', 'messaging', 'messaging-tables.ts'), 'utf8');
  const found = /^export const LATEST_MESSAGING_VERSION: MessagingVersion = (\d+);$/m.exec(source);
  if (!found) throw new Error('LATEST_MESSAGING_VERSION not found in packages/kernel/src/messaging/messaging-tables.ts');
  return Number(found[1]);
}

const files = moduleFiles(names);
for (const [file, content] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), content);
}
console.log(`created packages/${name} (@orderly/${name})`);
for (const step of registrations) {
  const done = step.apply(root, { ...names, packageJson: JSON.parse(files['package.json']) });
  console.log(`${done ? 'registered in' : 'skipped (not present)'}: ${step.file}`);
}
console.log(`
next: write the module's own code; everything else is in place and green.
  npm test                            # or: npx turbo run lint typecheck test --filter=@orderly/${name}...
  npm start                           # GET /${name}/status answers, and /docs lists it`);
