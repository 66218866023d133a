import type { JsonSchema } from './json-schema.js';

/**
 * Tiny combinators for describing an event payload. Each check validates a value and carries the
 * JSON Schema it enforces, so the run-time check, the committed contract (docs/events/) and the
 * AsyncAPI document are one description. Event payloads are small, flat and versioned: a few
 * readable checks beat a schema library at both ends of the wire.
 */
export interface FieldCheck {
  (value: unknown): string | null;
  readonly jsonSchema: JsonSchema;
  /** An optional field may be absent (undefined); when present it must pass the check. */
  readonly optional?: boolean;
}

function fieldCheck(jsonSchema: JsonSchema, check: (value: unknown) => string | null): FieldCheck {
  return Object.assign((value: unknown) => check(value), { jsonSchema });
}

export const isString: FieldCheck = fieldCheck({ type: 'string', minLength: 1 }, (v) =>
  typeof v === 'string' && v.length > 0 ? null : 'must be a non-empty string',
);
export const isInteger: FieldCheck = fieldCheck({ type: 'integer' }, (v) => (Number.isSafeInteger(v) ? null : 'must be an integer'));
export const isIsoDate: FieldCheck = fieldCheck({ type: 'string', format: 'date-time' }, (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? null : 'must be an ISO 8601 date-time',
);

/** A field that may be missing: how a version grows without breaking the consumers it has. */
export function optional(check: FieldCheck): FieldCheck {
  return Object.assign((value: unknown) => (value === undefined ? null : check(value)), { jsonSchema: check.jsonSchema, optional: true });
}

export function isArrayOf(shape: Record<string, FieldCheck>): FieldCheck {
  return fieldCheck({ type: 'array', items: objectSchema(shape) }, (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    for (const [i, item] of v.entries()) {
      const problems = checkObject(item, shape);
      if (problems.length > 0) return `[${i}] ${problems.join(', ')}`;
    }
    return null;
  });
}

export function checkObject(value: unknown, shape: Record<string, FieldCheck>): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['payload must be an object'];
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, check] of Object.entries(shape)) {
    const problem = check(record[field]);
    if (problem) problems.push(`${field} ${problem}`);
  }
  return problems;
}

/** The JSON Schema of an object checked by checkObject(value, shape). Extra fields are allowed. */
export function objectSchema(shape: Record<string, FieldCheck>): JsonSchema {
  const required = Object.entries(shape)
    .filter(([, check]) => !check.optional)
    .map(([field]) => field);
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(shape).map(([field, check]) => [field, check.jsonSchema])),
    required,
    additionalProperties: true,
  };
}
