// Where a new module is registered besides its own package. Data-driven: each step names the
// file it changes; a step whose file or tool does not exist is skipped and reported.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const registrations = [
  {
    // The owning team of the package and of its public-API report.
    file: '.github/CODEOWNERS',
    apply(root, { name }) {
      return edit(root, this.file, (text) =>
        `${text.trimEnd()}\n${`/packages/${name}/`.padEnd(26)}@orderly/team-${name}\n${`/docs/api/${name}.api.md`.padEnd(32)}@orderly/team-${name}\n`,
      );
    },
  },
  {
    // The workspace in the lockfile and in node_modules, as `npm install` would record it: the
    // module needs nothing that is not locked already, so no network and no install step.
    file: 'package-lock.json',
    apply(root, { name, packageJson }) {
      return edit(root, this.file, (text) => {
        const lock = JSON.parse(text);
        const { dependencies, devDependencies } = packageJson;
        lock.packages[`packages/${name}`] = { name: `@orderly/${name}`, version: packageJson.version, dependencies, devDependencies };
        lock.packages[`node_modules/@orderly/${name}`] = { resolved: `packages/${name}`, link: true };
        const api = lock.packages['apps/api'];
        if (api) api.dependencies = sorted({ ...api.dependencies, [`@orderly/${name}`]: packageJson.version });
        lock.packages = sorted(lock.packages);
        const link = join(root, 'node_modules', '@orderly', name);
        if (existsSync(join(root, 'node_modules', '@orderly')) && !existsSync(link)) symlinkSync(join('..', '..', 'packages', name), link);
        return `${JSON.stringify(lock, null, 2)}\n`;
      });
    },
  },
  {
    // The composition root depends on the module...
    file: 'apps/api/package.json',
    apply(root, { name, packageJson }) {
      return edit(root, this.file, (text) => {
        const pkg = JSON.parse(text);
        pkg.dependencies = sorted({ ...pkg.dependencies, [`@orderly/${name}`]: packageJson.version });
        return `${JSON.stringify(pkg, null, 2)}\n`;
      });
    },
  },
  {
    // ...provisions its schema and role...
    file: 'apps/api/src/database/module-databases.ts',
    apply(root, { name, camel }) {
      return edit(root, this.file, (text) =>
        addImport(text, `import { ${camel}Database } from '@orderly/${name}';`).replace(/(moduleDatabases[^=]*= \[[^\]]*?)\s*\];/, `$1, ${camel}Database];`),
      );
    },
  },
  {
    // ...and imports its Nest module, at the line app.module.ts keeps for it.
    file: 'apps/api/src/app.module.ts',
    apply(root, { name, pascal }) {
      return edit(root, this.file, (text) => {
        const anchor = /^([ \t]*)\/\/ npm run new-module adds .*$/m.exec(text);
        if (!anchor) throw new Error(`${this.file} lost the "// npm run new-module adds ..." line that marks where new modules go`);
        const line = `${anchor[1]}${pascal}Module.forRoot({ connection: connection('${name}') }),\n`;
        return addImport(text.slice(0, anchor.index) + line + text.slice(anchor.index), `import { ${pascal}Module } from '@orderly/${name}';`);
      });
    },
  },
  {
    // docs/modules.md and docs/api/<name>.api.md are generated from the code; the reports of
    // other packages are left as they are (their teams own them).
    file: 'scripts/architecture/generate-docs.mjs',
    apply(root, { name }) {
      if (!existsSync(join(root, this.file))) return false;
      const result = spawnSync(process.execPath, [join(root, this.file), '--root', root, '--only', `@orderly/${name}`], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${this.file} failed:\n${result.stdout}${result.stderr}`);
      return true;
    },
  },
  // The dependency rules (.dependency-cruiser.cjs) name packages by pattern (packages/*), and the
  // declared-dependencies check reads every workspace: a new module is covered without an edit.
];

/** Adds an import line after the last import of a workspace package. */
function addImport(text, line) {
  const imports = [...text.matchAll(/^(?:import|\}) .*from '@orderly\/[^']+';$/gm)];
  const last = imports.at(-1);
  if (!last) return `${line}\n${text}`;
  const at = last.index + last[0].length + 1;
  return text.slice(0, at) + `${line}\n` + text.slice(at);
}

function sorted(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function edit(root, file, change) {
  const path = join(root, file);
  if (!existsSync(path)) return false;
  writeFileSync(path, change(readFileSync(path, 'utf8')));
  return true;
}
