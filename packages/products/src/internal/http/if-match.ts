import { InvalidInputError } from '@orderly/kernel';
import { IfMatchRequired } from '../application/errors.js';

export const IF_MATCH_HEADER = 'If-Match';

const ENTITY_TAG_LIST = /^\s*(?:W\/)?"[^"]*"\s*(?:,\s*(?:W\/)?"[^"]*"\s*)*$/;
const ENTITY_TAG = /(W\/)?"([^"]*)"/g;

/**
 * Reads If-Match for an edit: the strong ETags the client accepts. Absent, or `*` (which would
 * match any version and so protect nothing), is 428; a value that is not a list of entity tags is
 * 400. Weak tags (W/"3") never match under the strong comparison RFC 9110 requires for If-Match,
 * so they are left out (a request with only weak tags then fails with 412).
 */
export function strongETagsFromIfMatch(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') throw new IfMatchRequired('This request needs an If-Match header.');
  if (value.trim() === '*') throw new IfMatchRequired('If-Match: * would overwrite any version.');
  if (!ENTITY_TAG_LIST.test(value)) {
    throw new InvalidInputError(`${IF_MATCH_HEADER} must be entity tags as ETag sends them, e.g. "3".`, {
      errors: [{ field: IF_MATCH_HEADER, message: 'must be a list of entity tags such as "3"' }],
    });
  }
  return [...value.matchAll(ENTITY_TAG)].filter((m) => m[1] === undefined).map((m) => `"${m[2]}"`);
}
