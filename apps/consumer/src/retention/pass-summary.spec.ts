import { emptyPassReport, RetentionPassReport } from '@app/database';
import { passSummary } from './pass-summary';

const quiet: RetentionPassReport = {
  ...emptyPassReport(),
  deleted: { events: 0, event_counts: 0 },
  durationMs: 12,
};

describe('the summary of a retention pass', () => {
  it('is nothing for a pass that found nothing to do', () => {
    expect(passSummary(quiet)).toBeUndefined();
  });

  it('names what was created, moved, dropped and deleted, and how long it took', () => {
    expect(
      passSummary({
        ...quiet,
        created: ['events_p20261213'],
        moved: 3,
        dropped: ['events_p20261104', 'events_p20261105'],
        droppedRowsEstimate: 2345678.4,
        deleted: { events: 0, event_rollups_minute: 1440, event_counts: 12000 },
        durationMs: 812,
      }),
    ).toBe(
      'created events_p20261213 (3 rows moved from events_default); dropped events_p20261104, ' +
        'events_p20261105 (~2,345,678 rows); deleted event_rollups_minute 1,440, event_counts 12,000; 0.8 s',
    );
  });

  it('says what failed, even when nothing else happened', () => {
    expect(
      passSummary({
        ...quiet,
        outcome: 'failed',
        problems: ['dropping events_p20261104: canceling statement due to lock timeout'],
      }),
    ).toBe('failed: dropping events_p20261104: canceling statement due to lock timeout; 0.0 s');
  });
});
