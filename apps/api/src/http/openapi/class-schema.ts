import { getMetadataStorage } from 'class-validator';
import { createRequire } from 'node:module';
import type { ClassReference } from '@orderly/host';
import type { JsonSchema } from '@orderly/kernel';

/**
 * JSON Schema (2020-12) for a class-validator request class, read from the same decorator
 * metadata the ValidationPipe enforces - so the documented constraints are the enforced ones.
 * A constraint without a mapping below stops the document from being built: add the mapping
 * rather than let the document under-describe what the API checks.
 */
export interface PropertySchema {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

/** The part of class-validator's ValidationMetadata read here (the class is not exported). */
interface ValidationMetadata {
  readonly type: string;
  readonly name?: string;
  readonly propertyName: string;
  readonly constraints?: readonly unknown[];
  readonly each: boolean;
  readonly message: unknown;
}

type Mapping = (meta: ValidationMetadata) => JsonSchema;

function arg(meta: ValidationMetadata, index: number): unknown {
  return meta.constraints?.[index];
}

const MAPPINGS: Record<string, Mapping> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isUuid: () => ({ type: 'string', format: 'uuid' }),
  isEmail: () => ({ type: 'string', format: 'email' }),
  isIso8601: () => ({ type: 'string', format: 'date-time' }),
  isDateString: () => ({ type: 'string', format: 'date-time' }),
  isIn: (meta) => ({ enum: arg(meta, 0) as unknown[] }),
  isEnum: (meta) => ({ enum: Object.values(arg(meta, 0) as object) }),
  isNotEmpty: () => ({ minLength: 1 }),
  matches: (meta) => {
    const pattern = arg(meta, 0) as RegExp | string;
    const flags = pattern instanceof RegExp ? pattern.flags : ((arg(meta, 1) as string | undefined) ?? '');
    if (flags.replace('u', '') !== '') throw new Error(`@Matches with flags "${flags}" cannot be a JSON Schema pattern`);
    return { pattern: pattern instanceof RegExp ? pattern.source : pattern };
  },
  isLength: (meta) => ({ minLength: arg(meta, 0), ...(arg(meta, 1) === undefined ? {} : { maxLength: arg(meta, 1) }) }),
  minLength: (meta) => ({ minLength: arg(meta, 0) }),
  maxLength: (meta) => ({ maxLength: arg(meta, 0) }),
  min: (meta) => ({ minimum: arg(meta, 0) }),
  max: (meta) => ({ maximum: arg(meta, 0) }),
  isPositive: () => ({ exclusiveMinimum: 0 }),
  arrayMinSize: (meta) => ({ minItems: arg(meta, 0) }),
  arrayMaxSize: (meta) => ({ maxItems: arg(meta, 0) }),
  // With a selector the rule is stronger than uniqueItems (no two items share the selected
  // value); uniqueItems is still true of every accepted array, and a custom message says the rest.
  arrayUnique: (meta) => ({ uniqueItems: true, ...(typeof meta.message === 'string' ? { description: meta.message } : {}) }),
};

/** Decorators that do not constrain the value's shape (or are handled below). */
const STRUCTURAL = new Set(['isOptional', 'isDefined', 'whitelistValidation', 'nestedValidation', 'conditionalValidation']);

interface TypeMetadataStorage {
  findTypeMetadata(target: ClassReference, property: string): { typeFunction: () => ClassReference } | undefined;
}
// class-transformer keeps @Type metadata in this module (no public accessor); it is the same
// CommonJS instance that `import ... from 'class-transformer'` loads.
const typeStorage = (createRequire(import.meta.url)('class-transformer/cjs/storage') as { defaultMetadataStorage: TypeMetadataStorage })
  .defaultMetadataStorage;

export interface ClassSchemaRegistry {
  /** Registers the class's schema (and nested classes') and returns a reference to it. */
  reference(target: ClassReference): JsonSchema;
}

export function propertiesOf(target: ClassReference, registry: ClassSchemaRegistry): PropertySchema[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false) as unknown as ValidationMetadata[];
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const meta of metadatas) byProperty.set(meta.propertyName, [...(byProperty.get(meta.propertyName) ?? []), meta]);
  return [...byProperty].map(([name, metas]) => ({
    name,
    required: !metas.some((m) => m.type === 'conditionalValidation' || m.name === 'isOptional'),
    schema: propertySchema(target, name, metas, registry),
  }));
}

export function objectSchema(target: ClassReference, registry: ClassSchemaRegistry): JsonSchema {
  const properties = propertiesOf(target, registry);
  const required = properties.filter((p) => p.required).map((p) => p.name);
  return {
    type: 'object',
    // The ValidationPipe runs with forbidNonWhitelisted: an unknown member is a 400.
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties: Object.fromEntries(properties.map((p) => [p.name, p.schema])),
  };
}

function propertySchema(target: ClassReference, property: string, metas: readonly ValidationMetadata[], registry: ClassSchemaRegistry): JsonSchema {
  let own: Record<string, unknown> = {};
  let each: Record<string, unknown> = {};
  for (const meta of metas) {
    if (meta.type === 'nestedValidation') {
      const nested = typeStorage.findTypeMetadata(target, property)?.typeFunction();
      if (!nested) throw new Error(`${target.name}.${property}: @ValidateNested needs @Type(() => Class) to be documented`);
      if (meta.each) each = { ...each, ...registry.reference(nested) };
      else own = { ...own, ...registry.reference(nested) };
      continue;
    }
    const key = meta.name ?? meta.type;
    if (STRUCTURAL.has(key) || STRUCTURAL.has(meta.type)) continue;
    const mapping = MAPPINGS[key];
    if (!mapping) {
      throw new Error(
        `${target.name}.${property}: class-validator constraint "${key}" has no OpenAPI mapping; add one in apps/api/src/http/openapi/class-schema.ts`,
      );
    }
    const schema = mapping(meta);
    if (meta.each) each = merge(each, schema);
    else own = merge(own, schema);
  }
  if (Object.keys(each).length > 0) own = { ...own, type: 'array', items: each };
  return own;
}

/**
 * isInt + min gives {type: integer, minimum}. A keyword that is already there with another value
 * (two @Matches on one property) goes into allOf, so both constraints stay documented.
 */
function merge(into: Record<string, unknown>, add: JsonSchema): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...into };
  for (const [keyword, value] of Object.entries(add)) {
    if (!(keyword in merged) || merged[keyword] === value) merged[keyword] = value;
    else if (keyword === 'type') throw new Error(`conflicting types ${String(merged.type)} and ${String(value)}`);
    else merged.allOf = [...((merged.allOf as unknown[] | undefined) ?? []), { [keyword]: value }];
  }
  return merged;
}
