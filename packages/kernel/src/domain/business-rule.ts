/**
 * A business rule that reads as a sentence (`CannotReserveMoreThanAvailable`), checked by the
 * aggregate that owns it. When broken, the aggregate throws BusinessRuleViolation carrying the
 * rule's name and message, so a failed test or a 4xx answer says which rule and why.
 */
export interface BusinessRule {
  readonly name: string;
  isBroken(): boolean;
  readonly message: string;
  /** How a client should hear about it: 'conflict' (state forbids it) or 'unprocessable'. */
  readonly kind?: 'conflict' | 'unprocessable';
  /** Facts a client can act on (e.g. the order's current status), added to the problem document. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class BusinessRuleViolation extends Error {
  readonly rule: string;
  readonly kind: 'conflict' | 'unprocessable';
  readonly details: Readonly<Record<string, unknown>>;

  constructor(rule: BusinessRule) {
    super(rule.message);
    this.name = 'BusinessRuleViolation';
    this.rule = rule.name;
    this.kind = rule.kind ?? 'unprocessable';
    this.details = rule.details ?? {};
  }
}

export function checkRule(rule: BusinessRule): void {
  if (rule.isBroken()) throw new BusinessRuleViolation(rule);
}
