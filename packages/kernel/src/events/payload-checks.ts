/**
 * Tiny combinators for writing EventSchema.problems by hand. Event payloads are small, flat and
 * versioned, so a few readable checks beat a schema library at both ends of the wire.
 */
export type FieldCheck = (value: unknown) => string | null;

export const isString: FieldCheck = (v) => (typeof v === 'string' && v.length > 0 ? null : 'must be a non-empty string');
export const isInteger: FieldCheck = (v) => (Number.isSafeInteger(v) ? null : 'must be an integer');
export const isIsoDate: FieldCheck = (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? null : 'must be an ISO 8601 date-time';

/** A field that may be absent (undefined); when present it must pass `check`. */
export function isOptional(check: FieldCheck): FieldCheck {
  return (v) => (v === undefined ? null : check(v));
}

export function isArrayOf(shape: Record<string, FieldCheck>): FieldCheck {
  return (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    for (const [i, item] of v.entries()) {
      const problems = checkObject(item, shape);
      if (problems.length > 0) return `[${i}] ${problems.join(', ')}`;
    }
    return null;
  };
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
