import 'reflect-metadata';
import type { JsonSchema } from '../events/json-schema.js';

/**
 * What a controller method says about itself for the OpenAPI document that apps/api generates.
 * Routes, parameters and request bodies are NOT described here: apps/api reads them from the
 * Nest route metadata and the class-validator request classes, so they cannot drift from what
 * the code accepts. Only what the code cannot tell at run time is declared: a summary, the body
 * of the success response (DTOs are TypeScript interfaces), and the problems the use case raises.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
export type { JsonSchema };

/** A schema with a name: it becomes `components.schemas.<name>` and is referenced by `$ref`. */
export class NamedSchema {
  constructor(
    readonly name: string,
    readonly schema: JsonSchema,
  ) {}
}

export function namedSchema(name: string, schema: JsonSchema): NamedSchema {
  return new NamedSchema(name, schema);
}

/** A schema, or a named one; named schemas may also appear anywhere inside a schema. */
export type SchemaOrNamed = JsonSchema | NamedSchema;

export interface ApiHeaderDescription {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

export interface ApiResponseDescription {
  readonly description: string;
  /** Body schema; absent means an empty body. */
  readonly schema?: SchemaOrNamed;
  /** Defaults to application/json. */
  readonly contentType?: string;
  readonly headers?: readonly ApiHeaderDescription[];
}

export interface ApiProblemDescription {
  /**
   * The problem type's name: the kebab-case name of the ApplicationError class or broken
   * BusinessRule that causes it (InsufficientStock: 'insufficient-stock'). apps/api turns it into
   * the problem's `type` URI and lists it with every other type the API answers.
   */
  readonly type: string;
  /** When this problem happens, for the reader of the docs. */
  readonly description: string;
  /** The problem's `title`, when it is fixed. */
  readonly title?: string;
  /** Extension members the problem document carries (e.g. `shortLines`). */
  readonly extensions?: { readonly [member: string]: SchemaOrNamed };
}

export interface ApiOperationDescription {
  readonly summary: string;
  readonly description?: string;
  /** A request body that works as it is: Swagger UI's "Try it out" starts from it. */
  readonly requestExample?: unknown;
}

/** Everything declared on one controller method. */
export interface ApiDescription {
  readonly operation?: ApiOperationDescription;
  readonly responses: ReadonlyMap<number, ApiResponseDescription>;
  readonly problems: ReadonlyMap<number, readonly ApiProblemDescription[]>;
  readonly headers: readonly ApiHeaderDescription[];
}

const KEY = 'orderly:api-description';

interface MutableDescription {
  operation?: ApiOperationDescription;
  responses: Map<number, ApiResponseDescription>;
  problems: Map<number, ApiProblemDescription[]>;
  headers: ApiHeaderDescription[];
}

function describe(update: (description: MutableDescription) => void): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const existing = Reflect.getOwnMetadata(KEY, handler) as MutableDescription | undefined;
    const description = existing ?? { responses: new Map(), problems: new Map(), headers: [] };
    update(description);
    Reflect.defineMetadata(KEY, description, handler);
  };
}

/** The operation's summary (one line) and optional longer description. */
export function ApiOperation(operation: ApiOperationDescription): MethodDecorator {
  return describe((d) => {
    d.operation = operation;
  });
}

/** A success response: its status (the route's own status code) and body. */
export function ApiResponse(status: number, response: ApiResponseDescription): MethodDecorator {
  return describe((d) => {
    d.responses.set(status, response);
  });
}

/**
 * A problem+json response the use case can answer with. Several problems may share a status;
 * the generic ones (400 for invalid input, 413, 415) are added by apps/api from the route's inputs.
 */
export function ApiProblem(status: number, problem: ApiProblemDescription): MethodDecorator {
  return describe((d) => {
    d.problems.set(status, [...(d.problems.get(status) ?? []), problem]);
  });
}

/** A request header the operation reads (its constraints are documented, not enforced, here). */
export function ApiHeader(header: ApiHeaderDescription): MethodDecorator {
  return describe((d) => {
    d.headers.push(header);
  });
}

export function readApiDescription(handler: object): ApiDescription {
  return (Reflect.getOwnMetadata(KEY, handler) as ApiDescription | undefined) ?? { responses: new Map(), problems: new Map(), headers: [] };
}
