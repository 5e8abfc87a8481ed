import { Aggregate } from '@app/contracts';

/**
 * sum/avg/min/max over `valued` finite values (count is the number of events, valued or
 * not). The sum of nothing is 0; avg, min and max of nothing are undefined.
 */
export function aggregateOf(
  aggregate: Aggregate,
  count: number,
  valued: number,
  sum: number,
  min: number,
  max: number,
): number | undefined {
  switch (aggregate) {
    case 'count':
      return count;
    case 'sum':
      return sum;
    case 'avg':
      return valued > 0 ? sum / valued : undefined;
    case 'min':
      return valued > 0 ? min : undefined;
    case 'max':
      return valued > 0 ? max : undefined;
  }
}

export function isValued(value: number | null): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
