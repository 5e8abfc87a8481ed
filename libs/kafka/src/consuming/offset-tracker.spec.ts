import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits only up to the oldest message still in flight', () => {
    const tracker = new OffsetTracker();
    for (const offset of ['10', '11', '12']) tracker.started(0, offset);
    tracker.finished(0, '11');
    tracker.finished(0, '12');
    expect(tracker.committable()).toEqual([{ partition: 0, offset: '10' }]);
    expect(tracker.inFlight()).toBe(1);
    tracker.finished(0, '10');
    expect(tracker.committable()).toEqual([{ partition: 0, offset: '13' }]);
  });

  it('keeps partitions apart and forgets the ones reassigned elsewhere', () => {
    const tracker = new OffsetTracker();
    tracker.started(0, '5');
    tracker.started(1, '7');
    tracker.finished(1, '7');
    expect(tracker.committable()).toEqual([
      { partition: 0, offset: '5' },
      { partition: 1, offset: '8' },
    ]);
    tracker.forget([0]);
    expect(tracker.committable()).toEqual([{ partition: 1, offset: '8' }]);
  });
});
