import { ReplayProgress } from './replay-progress';

const plan = (partition: number, replayFrom: bigint, resumeAt: bigint) => ({
  partition,
  replayFrom,
  resumeAt,
  silentBelow: resumeAt,
  knownRules: 7,
});

describe('ReplayProgress', () => {
  let now: number;
  let ready: number[];
  let progress: ReplayProgress;

  beforeEach(() => {
    now = 1000;
    ready = [];
    progress = new ReplayProgress(
      (ms) => ready.push(ms),
      () => now,
    );
    progress.restart();
  });

  it('is replaying from the restart until every partition is planned, so no tick runs early', () => {
    // The rebuild fetches its plan asynchronously: a wall-clock tick in between would judge
    // the fresh, empty windows at now (a pending key restarting its forSeconds).
    expect(progress.replaying).toBe(true);
    progress.planned(plan(0, 10n, 10n));
    expect(progress.replaying).toBe(true);
    progress.allPlanned();
    expect(progress.replaying).toBe(false);
    expect(ready).toEqual([0]);
  });

  it('with no partition assigned there is no plan to wait for', () => {
    progress.restart(false);
    expect(progress.replaying).toBe(false);
  });

  it('replays each partition from its plan and says the windows are ready once the last one resumes', () => {
    progress.planned(plan(0, 10n, 20n));
    progress.planned(plan(1, 5n, 8n));
    progress.allPlanned();
    expect(progress.replaying).toBe(true);
    expect(progress.position(0)).toBe(10n);
    expect(progress.silenceOf(1)).toEqual({ below: 8n, knownRules: 7 });

    now = 1300;
    progress.reached(1, 8n);
    expect(progress.replaying).toBe(true);
    progress.reached(0, 15n);
    expect(ready).toEqual([]);
    now = 1450;
    progress.reached(0, 21n);
    expect(progress.replaying).toBe(false);
    expect(progress.position(0)).toBe(21n);
    expect(ready).toEqual([450]);
  });

  it('is ready at once when no partition has anything to replay', () => {
    progress.planned(plan(0, 20n, 20n));
    now = 1010;
    progress.allPlanned();
    expect(progress.replaying).toBe(false);
    expect(progress.resumeAtOf(0)).toBeUndefined();
    expect(ready).toEqual([10]);
  });

  it("never lets the commit move back below the group's commit", () => {
    progress.planned(plan(0, 10n, 20n));
    expect(progress.isCommittable(0, 15n)).toBe(false);
    expect(progress.isCommittable(0, 20n)).toBe(false);
    expect(progress.isCommittable(0, 21n)).toBe(true);
    expect(progress.isCommittable(3, 1n)).toBe(true);
  });

  it('commits the replay of a group with no commit: it was evaluated with notifications', () => {
    progress.planned({ ...plan(0, 10n, 20n), silentBelow: -1n });
    expect(progress.replaying).toBe(true);
    expect(progress.isCommittable(0, 11n)).toBe(true);
  });

  it('starts over on a new assignment, and follows seeks', () => {
    progress.planned(plan(0, 10n, 20n));
    progress.sought(0, 4n);
    expect(progress.position(0)).toBe(4n);
    progress.restart();
    // The new plan is not there yet: still not ready (no wall-clock tick), nothing remembered.
    expect(progress.replaying).toBe(true);
    expect(progress.position(0)).toBeUndefined();
    expect(progress.silenceOf(0)).toBeUndefined();
  });
});
