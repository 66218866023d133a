import { namedSchema } from '@orderly/kernel';

/** Bodies of the health endpoints, for the OpenAPI document. */

const CHECK_OUTCOMES = {
  type: 'object',
  description: 'Each check by name (`http`, `<module>.database`, `<module>.relay`) with its status and, when down, why.',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
  },
} as const;

export const LivenessSchema = namedSchema('Liveness', {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
});

export const ReadinessSchema = namedSchema('Readiness', {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    info: CHECK_OUTCOMES,
    error: CHECK_OUTCOMES,
    details: CHECK_OUTCOMES,
  },
});

export const NOT_READY_EXTENSIONS = {
  failing: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Names of the failing checks.' },
  checks: CHECK_OUTCOMES,
} as const;
