/** A JSON Schema (2020-12) as plain data: event payload contracts and the API description use it. */
export type JsonSchema = { readonly [keyword: string]: unknown };
