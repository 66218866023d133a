import 'reflect-metadata';
import { HttpStatus, ParseIntPipe, ParseUUIDPipe, RequestMethod, type INestApplication } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { ParseUuid, readApiDescription, readRouteAccess, type ApiDescription, type JsonSchema, type RouteAccess } from '@orderly/kernel';

/**
 * A request class as class-validator and class-transformer key their metadata: by constructor.
 * Their APIs type it as the broad `Function`, so this one alias carries that looseness.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- matches class-validator's metadata keys
export type ClassReference = Function;

/**
 * Every route the Nest app serves, read from the same metadata Nest's router uses: controller and
 * method paths, HTTP method, status code, and what each handler takes (body class, query class,
 * path parameters with their pipes, headers). A route added anywhere shows up here by itself.
 */
export interface DiscoveredRoute {
  readonly controller: string;
  readonly handlerName: string;
  readonly method: string;
  /** OpenAPI path template, e.g. /products/{id}/restock */
  readonly path: string;
  readonly status: number;
  readonly body?: ClassReference;
  readonly query?: ClassReference;
  readonly pathParams: readonly { readonly name: string; readonly schema: JsonSchema }[];
  readonly headers: readonly string[];
  readonly description: ApiDescription;
  /** Who may call it (@Public() or @RequireScope(...)); undefined when the handler declares nothing. */
  readonly access: RouteAccess | undefined;
}

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
};

interface RouteArgument {
  readonly index: number;
  readonly data?: unknown;
  readonly pipes?: readonly unknown[];
}

export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (controller) routes.push(...routesOf(controller));
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

function routesOf(controller: new (...args: never[]) => object): DiscoveredRoute[] {
  const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined);
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((handlerName) => {
    const handler = prototype[handlerName];
    if (handlerName === 'constructor' || typeof handler !== 'function') return [];
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (requestMethod === undefined) return [];
    const method = METHODS[requestMethod];
    if (!method) throw new Error(`${controller.name}.${handlerName}: HTTP method ${RequestMethod[requestMethod]} cannot be documented`);
    const paths = asArray(Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined);
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (method === 'post' ? HttpStatus.CREATED : HttpStatus.OK);
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) ?? {}) as Record<string, RouteArgument>;
    const paramTypes = (Reflect.getMetadata('design:paramtypes', prototype, handlerName) ?? []) as ClassReference[];
    const inputs = readInputs(`${controller.name}.${handlerName}`, args, paramTypes);
    return prefixes.flatMap((prefix) =>
      paths.map((path) => ({
        controller: controller.name,
        handlerName,
        method,
        path: toOpenApiPath(prefix, path),
        status,
        ...inputs,
        description: readApiDescription(handler),
        access: readRouteAccess(handler),
      })),
    );
  });
}

function readInputs(where: string, args: Record<string, RouteArgument>, paramTypes: readonly ClassReference[]) {
  let body: ClassReference | undefined;
  let query: ClassReference | undefined;
  const pathParams: { name: string; schema: JsonSchema }[] = [];
  const headers: string[] = [];
  for (const [key, arg] of Object.entries(args)) {
    const kind = Number(key.split(':')[0]) as RouteParamtypes;
    const type = paramTypes[arg.index];
    switch (kind) {
      case RouteParamtypes.BODY:
        if (arg.data !== undefined) throw new Error(`${where}: @Body('${String(arg.data)}') cannot be documented; take the whole body as a class`);
        body = type;
        break;
      case RouteParamtypes.QUERY:
        if (arg.data !== undefined) throw new Error(`${where}: @Query('${String(arg.data)}') cannot be documented; take the whole query as a class`);
        query = type;
        break;
      case RouteParamtypes.PARAM:
        if (typeof arg.data !== 'string') throw new Error(`${where}: @Param() without a name cannot be documented`);
        pathParams.push({ name: arg.data, schema: pathParamSchema(where, arg.pipes ?? []) });
        break;
      case RouteParamtypes.HEADERS:
        if (typeof arg.data === 'string') headers.push(arg.data);
        break;
      default:
        break; // @Res, @Req, ...: not inputs a client controls through the contract
    }
  }
  return { body, query, pathParams, headers };
}

function pathParamSchema(where: string, pipes: readonly unknown[]): JsonSchema {
  if (pipes.some((p) => p instanceof ParseUuid || p === ParseUuid)) return { type: 'string', format: 'uuid' };
  if (pipes.some((p) => p instanceof ParseUUIDPipe || p === ParseUUIDPipe)) {
    throw new Error(`${where}: use ParseUuid from @orderly/kernel for a UUID path parameter (it accepts any letter case and hands on lower case)`);
  }
  if (pipes.some((p) => p instanceof ParseIntPipe || p === ParseIntPipe)) return { type: 'integer' };
  if (pipes.length > 0) throw new Error(`${where}: path parameter pipe ${String(pipes[0]?.constructor?.name)} has no OpenAPI mapping`);
  return { type: 'string' };
}

/** Express 5 paths (path-to-regexp 8): ":id" becomes "{id}". */
function toOpenApiPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return ['/'];
  return Array.isArray(value) ? value : [value];
}
