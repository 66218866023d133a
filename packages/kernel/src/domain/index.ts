// @orderly/kernel/domain: the framework-free building blocks a module's domain and contracts are
// written with - business rules, aggregate root, errors, the event envelope and event schemas,
// port tokens. Everything this entry reaches is plain TypeScript: no NestJS, TypeORM, pg or
// reflect-metadata (rule 5 checks its whole import closure; docs/adr/0009). The main entry,
// @orderly/kernel, re-exports all of it for application and infrastructure code.

export { type BusinessRule, BusinessRuleViolation, checkRule } from './business-rule.js';
export { AggregateRoot } from './aggregate-root.js';
export { ApplicationError, type ApplicationErrorKind, NotFoundError, InvalidInputError } from '../errors/application-error.js';

export type { EventEnvelope } from '../events/event-envelope.js';
export { type EventSchema, type EventSchemaDefinition, defineEventSchema, EventSchemaViolation, assertConforms, type PayloadOf } from '../events/event-schema.js';
export type { JsonSchema } from '../events/json-schema.js';
export { type ConsumerContract, unmetNeeds, valueMisses } from '../events/consumer-contract.js';
export { type FieldCheck, checkObject, isArrayOf, isInteger, isIsoDate, isString, objectSchema, optional } from '../events/payload-checks.js';
export { declareHandler, type EventHandler, type HandlerDeclaration } from '../events/event-handler.js';

export { type PortToken, portToken } from '../ports/port-token.js';
