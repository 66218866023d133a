import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidInputError } from '@orderly/kernel';
import { getMetadataStorage, type ValidatorOptions } from 'class-validator';
import type { FieldError } from './problem-details.js';

export class RequestValidationFailed extends InvalidInputError {
  constructor(readonly errors: readonly FieldError[]) {
    super(`The request is invalid: ${errors.map((e) => e.message).join('; ')}.`, { errors });
  }
}

/**
 * Validates every body and query against its class-validator class: unknown fields are
 * rejected, nothing is coerced except query strings (declared with @Type), and each failure is
 * reported per field with its path (items[0].quantity). UUID fields are handed on in lower case.
 */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // The value is read by fieldErrors (missing or null), never sent back to the client.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationFailed(fieldErrors(errors)),
  });
}

class RequestValidationPipe extends ValidationPipe {
  /** Runs on the request object class-transformer built, before any constraint is checked. */
  protected override validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    // Before validation, so that rules comparing ids (no repeated productId) see canonical ones.
    canonicalizeUuids(object);
    return super.validate(object, validatorOptions);
  }
}

/**
 * Constraints on what kind of value a field holds, most telling first. When one fails, only it
 * is reported: a string `unitPrice` is "must be an integer", not also out of both ends of its range.
 */
const KIND_CONSTRAINTS = ['isArray', 'isObject', 'nestedValidation', 'isString', 'isInt', 'isNumber', 'isBoolean', 'isUuid', 'isEmail', 'isIn', 'isEnum'];

/** Our words for constraints whose library message reads badly. */
const MESSAGES: Record<string, (path: string, libraryMessage: string) => string> = {
  whitelistValidation: (path) => `${path} is not allowed`,
  nestedValidation: (path) => `${path} must be an object`,
  isInt: (path) => `${path} must be an integer`,
  isUuid: (path) => `${path} must be a UUID`,
  isEmail: (path) => `${path} must be an email address`,
  arrayMinSize: (path, message) => `${path} must contain at least ${/\d+/.exec(message)?.[0]} item(s)`,
  arrayMaxSize: (path, message) => `${path} must contain at most ${/\d+/.exec(message)?.[0]} item(s)`,
};

/** One message per broken constraint; a missing field is only "is required". */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    if (constraints.length > 0 && (error.value === undefined || error.value === null) && !('whitelistValidation' in (error.constraints ?? {}))) {
      return [{ field, message: error.value === undefined ? `${field} is required` : `${field} must not be null` }];
    }
    const kind = KIND_CONSTRAINTS.find((name) => error.constraints?.[name] !== undefined);
    const broken = kind ? constraints.filter(([name]) => name === kind) : constraints;
    const own = broken.map(([name, message]) => ({ field, message: MESSAGES[name]?.(field, message) ?? prefixWithPath(message, error.property, field) }));
    // A value of the wrong kind has no fields of its own worth reporting.
    return kind ? own : [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

function prefixWithPath(message: string, property: string, path: string): string {
  return message.startsWith(property) ? path + message.slice(property.length) : message;
}

interface ValidationMetadataLike {
  readonly name?: string;
  readonly type: string;
  readonly propertyName: string;
  readonly each: boolean;
}

/** Lower-cases, in place, every validated @IsUUID field of a request object and its nested objects. */
function canonicalizeUuids(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) canonicalizeUuids(item);
    return;
  }
  const record = value as Record<string, unknown>;
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(value.constructor, '', true, false) as unknown as ValidationMetadataLike[];
  for (const meta of metadatas) {
    if (meta.name !== 'isUuid') continue;
    const field = record[meta.propertyName];
    if (typeof field === 'string') record[meta.propertyName] = field.toLowerCase();
    else if (meta.each && Array.isArray(field)) record[meta.propertyName] = field.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
  }
  for (const meta of metadatas) if (meta.type === 'nestedValidation') canonicalizeUuids(record[meta.propertyName]);
}
