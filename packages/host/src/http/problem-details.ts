/**
 * RFC 9457 problem details: every error this API returns has this shape, served as
 * application/problem+json. Extension members (errors, unknownProductIds, ...) say exactly what
 * was wrong so a client can act on it.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(name: string): string {
  return `https://orderly.dev/problems/${name}`;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
}
