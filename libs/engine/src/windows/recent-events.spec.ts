import { RecentEvents } from './recent-events';

describe('RecentEvents', () => {
  it('keeps entries sorted by time whatever the arrival order, newest reported first', () => {
    const events = new RecentEvents();
    for (const [time, id] of [
      [30, 'c'],
      [10, 'a'],
      [20, 'b'],
      [40, 'd'],
    ] as const) {
      events.insert(time, id, 10, 10);
    }
    expect(events.newestIds(10)).toEqual(['d', 'c', 'b', 'a']);
    expect(events.oldestTime()).toBe(10);
  });

  it('treats the later arrival as newer among equal times', () => {
    const events = new RecentEvents();
    events.insert(10, 'first', 10, 10);
    events.insert(10, 'second', 10, 10);
    expect(events.newestIds(10)).toEqual(['second', 'first']);
  });

  it('keeps only the newest `capacity` entries, dropping an arrival older than all of them', () => {
    const events = new RecentEvents();
    for (let time = 1; time <= 5; time++) events.insert(time * 10, `e${time}`, 3, 3);
    expect(events.newestIds(10)).toEqual(['e5', 'e4', 'e3']);
    events.insert(5, 'ancient', 3, 3);
    expect(events.size).toBe(3);
    events.insert(35, 'late', 3, 3);
    expect(events.newestIds(10)).toEqual(['e5', 'e4', 'late']);
  });

  it('keeps ids only for the newest `idCapacity` entries, even for out-of-order arrivals', () => {
    const events = new RecentEvents();
    for (let time = 1; time <= 200; time++) events.insert(time, `e${time}`, 150, 100);
    events.insert(60.5, 'old-arrival', 150, 100);
    events.insert(150.5, 'recent-arrival', 150, 100);
    expect(events.size).toBe(150);
    const ids = events.newestIds(Infinity);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe('e200');
    expect(ids).toContain('recent-arrival');
    expect(ids).not.toContain('old-arrival');
    expect(ids[99]).toBe('e102');
  });

  it('drops through or before a limit', () => {
    const events = new RecentEvents();
    for (const time of [10, 20, 20, 30]) events.insert(time, `t${time}`, 10, 10);
    events.dropBefore(20);
    expect(events.size).toBe(3);
    events.dropThrough(20);
    expect(events.newestIds(10)).toEqual(['t30']);
    events.clear();
    expect(events.oldestTime()).toBe(Infinity);
  });
});
