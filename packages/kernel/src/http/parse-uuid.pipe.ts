import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '../errors/application-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path parameter that must be a UUID: `@Param('id', ParseUuid) id: string`. Accepted in any
 * letter case, handed on in the canonical lower case, so every module compares ids as equal
 * strings; anything else is a 400 naming the parameter (apps/api documents it as format uuid).
 */
export class ParseUuid implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
    const name = metadata.data ?? 'parameter';
    throw new InvalidInputError(`${name} must be a UUID.`, { errors: [{ field: name, message: `${name} must be a UUID` }] });
  }
}
