// Where a new module is registered besides its own package. Data-driven: each step names a file
// and edits it; a step whose file does not exist (yet) is skipped and reported.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const registrations = [
  {
    file: '.github/CODEOWNERS',
    apply(root, { name }) {
      return edit(root, this.file, (text) => `${text.trimEnd()}\n${`/packages/${name}/`.padEnd(26)}@orderly/team-${name}\n`);
    },
  },
  {
    // The module table of docs/modules.md: one row, after the last module's row.
    file: 'docs/modules.md',
    apply(root, { name, pascal, camel, schema, role }) {
      return edit(root, this.file, (text) => {
        const lines = text.split('\n');
        const last = lines.findLastIndex((line) => line.startsWith('| `@orderly/') && !line.startsWith('| `@orderly/kernel`'));
        const row = `| \`@orderly/${name}\` | \`${schema}\` / \`${role}\` | \`${pascal}Module\`, \`${pascal}Status\`, \`${camel}Database\` | - | - | - |`;
        lines.splice(last + 1, 0, row);
        return lines.join('\n');
      });
    },
  },
  // The dependency rules (boundary check) will register modules here once they live in a config
  // that lists modules by name; today every rule is written by package pattern (packages/*), so a
  // new package under packages/ is covered without an edit.
];

function edit(root, file, change) {
  const path = join(root, file);
  if (!existsSync(path)) return false;
  writeFileSync(path, change(readFileSync(path, 'utf8')));
  return true;
}
