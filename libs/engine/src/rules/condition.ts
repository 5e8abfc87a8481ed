import { Operator, RuleCondition } from '@app/contracts';

export function compare(operator: Operator, value: number, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * A condition that more events could never make false. Only these may be trusted on a
 * window that started before the rule did (events we never saw could only add to it).
 */
export function isMonotone({ aggregate, operator }: RuleCondition): boolean {
  const rising = operator === '>' || operator === '>=';
  const falling = operator === '<' || operator === '<=';
  return (
    ((aggregate === 'count' || aggregate === 'max') && rising) || (aggregate === 'min' && falling)
  );
}

/** Whether the condition holds on a complete window without any event. */
export function holdsOnEmptyWindow({ aggregate, operator, threshold }: RuleCondition): boolean {
  // count and sum of nothing are 0; avg, min and max of nothing are undefined (never hold).
  return (aggregate === 'count' || aggregate === 'sum') && compare(operator, 0, threshold);
}
