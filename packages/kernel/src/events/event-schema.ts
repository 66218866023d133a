/**
 * A versioned integration-event contract. The publisher's outbox validates a payload against it
 * before writing; the relay validates again before a subscriber sees it, so neither side acts
 * on a half-understood event. A new incompatible shape is a new version, never an edit.
 */
export interface EventSchema<TPayload> {
  readonly type: string;
  readonly version: number;
  /** Returns what is wrong with the payload (empty when it conforms). */
  readonly problems: (payload: unknown) => readonly string[];
  /** Phantom member carrying the payload type; never read at run time. */
  readonly _payload?: TPayload;
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
