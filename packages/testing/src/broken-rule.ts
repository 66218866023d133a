import { BusinessRuleViolation } from '@orderly/kernel';

/**
 * Runs an action that should break a business rule and returns the rule's name, so a test reads
 * `expect(brokenRule(() => product.reserve(4))).toBe('CannotReserveMoreThanAvailable')`. Fails the
 * test when no rule is broken, and lets any other error through.
 */
export function brokenRule(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof BusinessRuleViolation) return error.rule;
    throw error;
  }
  throw new Error('expected a business rule to be broken, but the action succeeded');
}
