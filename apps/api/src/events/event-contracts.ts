import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSchema, JsonSchema } from '@orderly/kernel';
import { buildAsyncApiDocument } from './asyncapi-document.js';
import { breakingChanges } from './event-compatibility.js';
import { PUBLISHED_EVENTS } from './event-catalog.js';

/**
 * The committed event contracts: docs/events/<type>.v<version>.json (one per event version, the
 * contract consumers rely on) and docs/asyncapi.json (the whole, for other services). Written by
 * `npm run docs:events`; apps/api/test/architecture/event-contracts.test.ts holds the code to them.
 */
export const EVENT_CONTRACTS_DIR = 'docs/events';
export const ASYNCAPI_FILE = 'docs/asyncapi.json';

export function contractFile(schema: EventSchema<unknown>): string {
  return `${EVENT_CONTRACTS_DIR}/${schema.type}.v${schema.version}.json`;
}

export function renderContract(schema: EventSchema<unknown>): string {
  return `${JSON.stringify({ type: schema.type, version: schema.version, description: schema.description, payload: schema.payloadSchema }, null, 2)}\n`;
}

/** Every generated file and the content the code says it should have. */
export function expectedEventDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const schema of PUBLISHED_EVENTS.flatMap((p) => p.schemas)) files.set(contractFile(schema), renderContract(schema));
  files.set(ASYNCAPI_FILE, `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`);
  return files;
}

export interface BreakingChange {
  readonly event: string;
  readonly file: string;
  readonly problems: readonly string[];
}

export interface EventDocsReport {
  /** Generated files whose committed content differs (or that are not committed yet). */
  readonly stale: readonly string[];
  /** Committed contracts of an event version the code no longer has. */
  readonly orphaned: readonly string[];
  /** Event versions whose code breaks their committed contract. */
  readonly breaking: readonly BreakingChange[];
}

export function checkEventDocs(root: string, schemas: readonly EventSchema<unknown>[] = PUBLISHED_EVENTS.flatMap((p) => p.schemas)): EventDocsReport {
  const expected = expectedEventDocs();
  const stale = [...expected].filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== content).map(([path]) => path);
  const dir = join(root, EVENT_CONTRACTS_DIR);
  const orphaned = existsSync(dir) ? readdirSync(dir).map((f) => `${EVENT_CONTRACTS_DIR}/${f}`).filter((path) => !expected.has(path)) : [];
  const breaking: BreakingChange[] = [];
  for (const schema of schemas) {
    const file = contractFile(schema);
    if (!existsSync(join(root, file))) continue; // a new version: nothing committed to break yet
    const committed = JSON.parse(readFileSync(join(root, file), 'utf8')) as { payload: JsonSchema };
    const problems = breakingChanges(committed.payload, schema.payloadSchema);
    if (problems.length > 0) breaking.push({ event: `${schema.type} v${schema.version}`, file, problems });
  }
  return { stale, orphaned, breaking };
}

/** What the author of a breaking change reads (in `npm test` and from `npm run docs:events`). */
export function describeBreakingChange(change: BreakingChange): string {
  const [type, version] = change.event.split(' v');
  return [
    `${change.event} breaks its committed contract ${change.file}:`,
    ...change.problems.map((p) => `  - ${p}`),
    `Consumers rely on that contract. Publish a new version instead: add ${type} v${Number(version) + 1} beside v${version} ` +
      `(a new EventSchema, published from then on) and keep v${version} unchanged until no consumer needs it.`,
  ].join('\n');
}
