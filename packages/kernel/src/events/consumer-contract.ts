import type { JsonSchema } from './json-schema.js';

/**
 * What one consumer needs from one event version (consumer-driven contract, docs/adr/0015): the
 * fields its handler reads, as a JSON Schema, and an example payload carrying only those. The
 * consumer's team owns the file (`packages/<consumer>/consumer-contracts/<type>.v<version>.json`);
 * the publisher's tests verify it, so a publisher change that breaks it fails their build, naming
 * the consumer.
 */
export interface ConsumerContract {
  readonly consumer: string;
  readonly handler: string;
  readonly provider: string;
  readonly event: string;
  readonly version: number;
  readonly needs: JsonSchema;
  readonly example: unknown;
}

/**
 * What `provided` (the publisher's payload schema) no longer guarantees of `needs`: every field the
 * consumer requires must be required by the publisher too, with the same type, recursively.
 */
export function unmetNeeds(needs: JsonSchema, provided: JsonSchema, path = 'payload'): string[] {
  if (needs.type !== provided.type) return [`${path}: the consumer needs ${String(needs.type)}, the publisher declares ${String(provided.type ?? 'nothing')}`];
  if (needs.type === 'array' && needs.items) {
    return provided.items ? unmetNeeds(needs.items as JsonSchema, provided.items as JsonSchema, `${path}[]`) : [`${path}[]: the publisher declares no items`];
  }
  if (needs.type !== 'object') return [];
  const required = new Set((provided.required ?? []) as string[]);
  const properties = (provided.properties ?? {}) as Record<string, JsonSchema>;
  return ((needs.required ?? []) as string[]).flatMap((field) => {
    const at = `${path}.${field}`;
    if (!properties[field]) return [`${at}: the consumer reads it, the publisher no longer has it`];
    if (!required.has(field)) return [`${at}: the consumer reads it, the publisher no longer guarantees it (not required)`];
    return unmetNeeds(((needs.properties ?? {}) as Record<string, JsonSchema>)[field] ?? {}, properties[field]!, at);
  });
}

/** Where `value` does not have what `needs` asks for (type and presence only: what a consumer reads). */
export function valueMisses(needs: JsonSchema, value: unknown, path = 'payload'): string[] {
  const type = needs.type;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type !== actual && !(type === 'number' && actual === 'integer')) return [`${path}: expected ${String(type)}, got ${actual}`];
  if (type === 'array') return (value as unknown[]).flatMap((item, i) => valueMisses((needs.items ?? {}) as JsonSchema, item, `${path}[${i}]`));
  if (type !== 'object') return [];
  const record = value as Record<string, unknown>;
  return ((needs.required ?? []) as string[]).flatMap((field) =>
    record[field] === undefined ? [`${path}.${field}: missing`] : valueMisses(((needs.properties ?? {}) as Record<string, JsonSchema>)[field] ?? {}, record[field], `${path}.${field}`),
  );
}
