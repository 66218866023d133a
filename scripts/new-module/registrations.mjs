// Where a new module is registered besides its own package. Data-driven: each step names the
// file it changes; a step whose file or tool does not exist is skipped and reported.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
    // docs/modules.md and docs/api/<name>.api.md are generated from the code.
    file: 'scripts/architecture/generate-docs.mjs',
    apply(root) {
      if (!existsSync(join(root, this.file))) return false;
      const result = spawnSync(process.execPath, [join(root, this.file), '--root', root], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${this.file} failed:\n${result.stdout}${result.stderr}`);
      return true;
    },
  },
  // The dependency rules (.dependency-cruiser.cjs) name packages by pattern (packages/*), and the
  // declared-dependencies check reads every workspace: a new module is covered without an edit.
];

function edit(root, file, change) {
  const path = join(root, file);
  if (!existsSync(path)) return false;
  writeFileSync(path, change(readFileSync(path, 'utf8')));
  return true;
}
