import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidInputError } from '@orderly/kernel';
import type { FieldError } from './problem-details.js';

export class RequestValidationFailed extends InvalidInputError {
  constructor(readonly errors: readonly FieldError[]) {
    super(`The request is invalid: ${errors.map((e) => e.message).join('; ')}.`, { errors });
  }
}

/**
 * Validates every body and query against its class-validator class: unknown fields are
 * rejected, nothing is coerced except query strings (declared with @Type), and each failure is
 * reported per field with its path (items[0].quantity).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationFailed(flatten(errors)),
  });
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith('property ') ? `${field} is not allowed` : prefixWithPath(message, error.property, field),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function prefixWithPath(message: string, property: string, path: string): string {
  return message.startsWith(property) ? path + message.slice(property.length) : message;
}
