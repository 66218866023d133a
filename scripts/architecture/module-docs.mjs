// docs/modules.md, rendered from the module model (./module-model.mjs).
const short = (name) => name.replace(/^@orderly\//, '');

export function renderModuleDocs(model) {
  const { packages, apps, bindings, subscriptions } = model;
  const lines = [
    '# Modules',
    '',
    '<!-- Generated from the code by `npm run docs:modules` (scripts/architecture/generate-docs.mjs): package.json',
    '     files, each src/index.ts, the *Database definitions, apps/api/src/app.module.ts and .github/CODEOWNERS.',
    '     Do not edit by hand: `npm test` fails while this file differs from what the code says. -->',
    '',
    '## Package graph',
    '',
    'Solid arrows: declared runtime dependencies (package.json `dependencies`). Dotted arrows: a port',
    'bound in apps/api (consumer -. token .-> provider) or an event subscription (publisher -. event .-> subscriber);',
    'neither is an import.',
    '',
    '```mermaid',
    'graph LR',
  ];
  for (const node of [...apps, ...packages]) lines.push(`  ${short(node.name)}["${node.name}"]`);
  for (const node of [...apps, ...packages]) {
    for (const dependency of node.productionDependsOn) lines.push(`  ${short(node.name)} --> ${short(dependency)}`);
  }
  for (const b of bindings) lines.push(`  ${short(b.tokenPackage)} -. "${b.token} → ${b.provider}" .-> ${short(b.providerPackage)}`);
  for (const s of subscriptions) lines.push(`  ${short(s.publisher)} -. "${s.event} v${s.version} → ${s.handler}" .-> ${short(s.subscriber)}`);
  lines.push('```', '');

  lines.push('## Packages', '', '| Package | Owner | Schema / role (`_<database>` appended per database) | Depends on (package.json) |', '| --- | --- | --- | --- |');
  for (const node of [...apps, ...packages]) {
    const database = node.database ? `\`${node.database.schema}\` / \`${node.database.role}\`` : '-';
    const deps = (node.dependsOn ?? node.productionDependsOn).map((d) => `\`${d}\``).join(', ') || '-';
    lines.push(`| \`${node.name}\` (${node.dir}) | ${node.owner} | ${database} | ${deps} |`);
  }
  lines.push('');

  lines.push(
    '## Where each module runs',
    '',
    'Each app composes the modules it runs (`XModule.forRoot(...)` in its sources). apps/api composes every module when',
    '`EVENTS_BROKER_URL` is unset (events in-process); with it set, a module that another app also composes runs there',
    'instead, fed by NATS JetStream, and apps/api publishes its events to the broker.',
    '',
    '| Module | Composed by |',
    '| --- | --- |',
  );
  for (const pkg of packages.filter((p) => p.database)) {
    const hosts = apps.filter((app) => (app.composes ?? []).includes(pkg.name)).map((app) => `\`${app.dir}\``);
    lines.push(`| \`${pkg.name}\` | ${hosts.join(', ') || '-'} |`);
  }
  lines.push('');

  lines.push('## Port bindings (apps/api/src/app.module.ts)', '', '| Token | Declared by | Bound to | Provided by |', '| --- | --- | --- | --- |');
  for (const b of bindings) lines.push(`| \`${b.token}\` | \`${b.tokenPackage}\` | \`${b.provider}\` | \`${b.providerPackage}\` |`);
  const unbound = packages.flatMap((p) => p.ports.filter((port) => !bindings.some((b) => b.token === port || b.provider === port)).map((port) => `\`${port}\` (\`${p.name}\`)`));
  if (unbound.length) lines.push('', `Tokens not bound in apps/api (bound by their own module or by the kernel): ${unbound.join(', ')}.`);
  lines.push('');

  lines.push('## Event subscriptions (apps/api/src/app.module.ts)', '', '| Publisher | Event | Subscriber | Handler (declared as) |', '| --- | --- | --- | --- |');
  for (const s of subscriptions) lines.push(`| \`${s.publisher}\` | \`${s.event}\` v${s.version} (\`${s.schema}\`) | \`${s.subscriber}\` | \`${s.handler}\` (\`${s.declaration}\`) |`);
  lines.push('');

  lines.push('## Public API', '', 'What each `src/index.ts` exports; the full signatures are in [docs/api/](api/).', '');
  for (const pkg of packages) {
    for (const entry of [pkg, ...pkg.subEntries]) {
      lines.push(`### \`${entry.name}\``, '');
      const byKind = new Map();
      for (const e of entry.exports) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e.name]);
      for (const kind of ['class', 'function', 'const', 'interface', 'type', 'enum', 'other']) {
        if (byKind.has(kind)) lines.push(`- ${kind}: ${byKind.get(kind).map((n) => `\`${n}\``).join(', ')}`);
      }
      const report = short(entry.name).replaceAll('/', '-');
      lines.push(`- report: [docs/api/${report}.api.md](api/${report}.api.md)`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
