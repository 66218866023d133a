import type { JsonSchema } from '@orderly/kernel';

const CONSTRAINTS = ['format', 'minLength', 'maxLength', 'pattern', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'multipleOf'];

/**
 * What in `current` breaks consumers written against `committed` (the same event type and
 * version). Consumers keep reading every field they were promised, with its type and meaning,
 * and old events of that version stay valid: so a field removed or renamed, a type changed, a
 * field made required (or no longer required), a new required field and any changed constraint
 * (a narrower or wider format, length, range, enum) all break. Only a new optional field does not.
 */
export function breakingChanges(committed: JsonSchema, current: JsonSchema, path = 'payload'): string[] {
  const problems: string[] = [];
  if (committed.type !== current.type) {
    return [`${path}: type changed from ${describeType(committed)} to ${describeType(current)}`];
  }
  for (const keyword of CONSTRAINTS) {
    const before = committed[keyword];
    const after = current[keyword];
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    if (before === undefined) problems.push(`${path}: narrowed (${keyword} ${JSON.stringify(after)} added)`);
    else if (after === undefined) problems.push(`${path}: widened (${keyword} ${JSON.stringify(before)} removed; consumers rely on it)`);
    else problems.push(`${path}: ${keyword} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
  }
  if (committed.type === 'array' && committed.items && current.items) {
    problems.push(...breakingChanges(committed.items as JsonSchema, current.items as JsonSchema, `${path}[]`));
  }
  if (committed.type === 'object') {
    const before = (committed.properties ?? {}) as Record<string, JsonSchema>;
    const after = (current.properties ?? {}) as Record<string, JsonSchema>;
    const requiredBefore = new Set((committed.required ?? []) as string[]);
    const requiredAfter = new Set((current.required ?? []) as string[]);
    const added = Object.keys(after).filter((field) => !(field in before));
    const renamed = new Set<string>();
    for (const [field, schema] of Object.entries(before)) {
      const at = `${path}.${field}`;
      if (!(field in after)) {
        const renamedTo = added.find((candidate) => JSON.stringify(after[candidate]) === JSON.stringify(schema));
        if (renamedTo) renamed.add(renamedTo);
        problems.push(renamedTo ? `${at}: renamed to ${path}.${renamedTo}` : `${at}: removed`);
        continue;
      }
      if (!requiredBefore.has(field) && requiredAfter.has(field)) problems.push(`${at}: made required (events already published may lack it)`);
      if (requiredBefore.has(field) && !requiredAfter.has(field)) problems.push(`${at}: made optional (consumers rely on it being present)`);
      problems.push(...breakingChanges(schema, after[field]!, at));
    }
    for (const field of added) {
      if (requiredAfter.has(field) && !renamed.has(field)) problems.push(`${path}.${field}: added as required (events already published lack it; add it as optional)`);
    }
  }
  return problems;
}

function describeType(schema: JsonSchema): string {
  return schema.format ? `${String(schema.type)} (${String(schema.format)})` : String(schema.type);
}
