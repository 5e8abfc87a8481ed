const MINUTE_MS = 60_000;

/** What the limiter says about one more incident of a rule. */
export type Admission = 'open' | 'trip' | 'suppress';

/**
 * Incidents each rule may open per wall-clock minute. A producer inventing group keys can
 * make a rule fire once per key; past the limit the minute's further incidents are not
 * opened, and the first one refused (`trip`) is the moment to send one notice instead.
 * Counted per replica: each replica evaluates the keys of its own partitions.
 */
export class OpeningLimiter {
  private readonly minutes = new Map<string, { minute: number; opened: number; refused: number }>();

  constructor(readonly limitPerMinute: number) {}

  admit(ruleId: string, now: number): Admission {
    const minute = Math.floor(now / MINUTE_MS);
    let count = this.minutes.get(ruleId);
    if (!count || count.minute !== minute) {
      count = { minute, opened: 0, refused: 0 };
      this.minutes.set(ruleId, count);
    }
    if (count.opened < this.limitPerMinute) {
      count.opened++;
      return 'open';
    }
    count.refused++;
    return count.refused === 1 ? 'trip' : 'suppress';
  }

  /** The end of the minute `now` falls in: when openings are admitted again. */
  static minuteEnd(now: number): number {
    return (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS;
  }
}
