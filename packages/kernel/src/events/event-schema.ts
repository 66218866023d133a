import type { JsonSchema } from './json-schema.js';
import { checkObject, objectSchema, type FieldCheck } from './payload-checks.js';

/**
 * A versioned integration-event contract. The publisher's outbox validates a payload against it
 * before writing; the relay validates again before a subscriber sees it, so neither side acts
 * on a half-understood event. A new incompatible shape is a new version, never an edit: the
 * committed schema of each version (docs/events/) is checked in `npm test`.
 */
export interface EventSchema<TPayload> {
  readonly type: string;
  readonly version: number;
  /** One sentence for the AsyncAPI document: when is this published. */
  readonly description: string;
  /** Returns what is wrong with the payload (empty when it conforms). */
  readonly problems: (payload: unknown) => readonly string[];
  /** The JSON Schema `problems` enforces: the contract other services read. */
  readonly payloadSchema: JsonSchema;
  /** Phantom member carrying the payload type; never read at run time. */
  readonly _payload?: TPayload;
}

export interface EventSchemaDefinition {
  readonly type: string;
  readonly version: number;
  readonly description: string;
  /** Field name -> check (isString, isInteger, isIsoDate, isArrayOf(...), optional(...)). */
  readonly payload: Record<string, FieldCheck>;
}

/** An event schema whose run-time check and JSON Schema come from one description. */
export function defineEventSchema<TPayload>(definition: EventSchemaDefinition): EventSchema<TPayload> {
  const { type, version, description, payload } = definition;
  return { type, version, description, problems: (value) => checkObject(value, payload), payloadSchema: objectSchema(payload) };
}

export class EventSchemaViolation extends Error {
  constructor(
    readonly eventType: string,
    readonly version: number,
    readonly problems: readonly string[],
  ) {
    super(`${eventType} v${version} payload is invalid: ${problems.join('; ')}`);
    this.name = 'EventSchemaViolation';
  }
}

export function assertConforms<T>(schema: EventSchema<T>, payload: unknown): asserts payload is T {
  const problems = schema.problems(payload);
  if (problems.length > 0) throw new EventSchemaViolation(schema.type, schema.version, problems);
}

export type PayloadOf<S> = S extends EventSchema<infer P> ? P : never;
