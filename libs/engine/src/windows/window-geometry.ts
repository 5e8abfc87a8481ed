import { RuleCondition, RuleWindow } from '@app/contracts';
import { WindowGeometry } from './key-window';
import { SlidingCountGeometry } from './sliding-count-window';
import { SlidingValueGeometry } from './sliding-value-window';
import { TumblingGeometry } from './tumbling-window';

export function createGeometry(window: RuleWindow, condition: RuleCondition): WindowGeometry {
  if (window.kind === 'tumbling') {
    return new TumblingGeometry(window.seconds, condition.aggregate, condition.threshold);
  }
  if (condition.aggregate === 'count') {
    return new SlidingCountGeometry(window.seconds * 1000, condition.threshold);
  }
  return new SlidingValueGeometry(window.seconds, condition.aggregate);
}
