import { addDays, dayOf, dayOfPartition, DAY_MS, partitionName } from './utc-days';

describe('UTC days', () => {
  it('start at midnight UTC, whatever the time of day, before 1970 too', () => {
    expect(dayOf(Date.parse('2026-12-05T23:59:59.999Z'))).toBe(Date.parse('2026-12-05T00:00:00Z'));
    expect(dayOf(Date.parse('2026-12-05T00:00:00Z'))).toBe(Date.parse('2026-12-05T00:00:00Z'));
    expect(dayOf(Date.parse('1969-12-31T12:00:00Z'))).toBe(Date.parse('1969-12-31T00:00:00Z'));
    expect(addDays(Date.parse('2026-12-31T00:00:00Z'), 1)).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(DAY_MS).toBe(24 * 3600 * 1000);
  });

  it('name a partition by its date, and read the date back from the name', () => {
    const day = Date.parse('2026-12-05T00:00:00Z');
    expect(partitionName(day)).toBe('events_p20261205');
    expect(dayOfPartition('events_p20261205')).toBe(day);
    expect(partitionName(Date.parse('1970-01-01T00:00:00Z'))).toBe('events_p19700101');
    expect(dayOfPartition(partitionName(Date.parse('9999-12-31T00:00:00Z')))).toBe(
      Date.parse('9999-12-31T00:00:00Z'),
    );
  });

  it('ignore every other name: the default partition, hand-made tables, impossible dates', () => {
    for (const name of [
      'events_default',
      'events_p2026120',
      'events_p20261232',
      'xevents_p20261205',
      'events_p20261205_old',
    ]) {
      expect(dayOfPartition(name)).toBeUndefined();
    }
  });
});
