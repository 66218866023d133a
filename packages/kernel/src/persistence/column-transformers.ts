import type { ValueTransformer } from 'typeorm';

/**
 * bigint columns come back from pg as strings. Money here stays far below 2^53 (at most
 * 1e9 per unit x 1000 x 50 lines), so a JavaScript number holds it exactly.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
