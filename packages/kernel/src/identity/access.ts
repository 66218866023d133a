import 'reflect-metadata';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * Who is calling, as a verified bearer token says. apps/api verifies the token (once, in its
 * access guard); modules only declare what each route needs and receive the principal.
 */
export interface Principal {
  /** The token's `sub`: orders belong to it. */
  readonly subject: string;
  /** The token's `email` claim, when it has one. */
  readonly email: string | null;
  /** The token's scopes (`scope`, space-separated). */
  readonly scopes: readonly string[];
}

/** What a route asks of its caller: nothing (public), or a token with at least one of these scopes. */
export type RouteAccess = { readonly public: true } | { readonly public: false; readonly anyOfScopes: readonly string[] };

const ACCESS_KEY = 'orderly:route-access';

/** Where the access guard leaves the verified principal on the request. */
export const PRINCIPAL = Symbol.for('orderly.principal');

/** Anyone may call this route, with or without a token (a token sent here is not even read). */
export function Public(): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ACCESS_KEY, { public: true } satisfies RouteAccess, descriptor.value as object);
  };
}

/** The caller needs a valid token carrying at least one of these scopes (else 401, or 403). */
export function RequireScope(scope: string, ...orScopes: string[]): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ACCESS_KEY, { public: false, anyOfScopes: [scope, ...orScopes] } satisfies RouteAccess, descriptor.value as object);
  };
}

/** What a handler declared; undefined when it declared nothing (the guard refuses such a route). */
export function readRouteAccess(handler: object): RouteAccess | undefined {
  return Reflect.getOwnMetadata(ACCESS_KEY, handler) as RouteAccess | undefined;
}

/** The verified caller of a @RequireScope route, as a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = (context.switchToHttp().getRequest() as Record<symbol, Principal | undefined>)[PRINCIPAL];
  // Only a route without @RequireScope can get here without one: a programming error, not a 401.
  if (!principal) throw new Error('@CurrentPrincipal() on a route that does not @RequireScope(...)');
  return principal;
});

/** Whether the principal holds the scope. */
export function hasScope(principal: Principal, scope: string): boolean {
  return principal.scopes.includes(scope);
}
