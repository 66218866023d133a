import type { ValueTransformer } from 'typeorm';

/** bigint columns come back from pg as strings; money here stays far below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
