import { InvalidInputError } from '@orderly/kernel';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** 1 to 255 visible ASCII characters or spaces (what a client can safely send in a header). */
const PRINTABLE = /^[\x20-\x7e]{1,255}$/;

/** Checks the optional Idempotency-Key header: absent is fine, malformed is a 400 problem. */
export function checkIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!PRINTABLE.test(value)) {
    throw new InvalidInputError(`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 printable ASCII characters.`, {
      errors: [{ field: IDEMPOTENCY_KEY_HEADER, message: 'must be 1 to 255 printable ASCII characters' }],
    });
  }
  return value;
}
