import { FILE_POSITION } from '../rules/rule-catalog.service';

/**
 * Which version of each rule evaluates, by the alert-rules position of the record it started
 * with, and the position up to which every rule version has evaluated the events read so far.
 * That position goes with each commit (rulesPositionMetadata), so that a rebuild replays
 * silently only for the versions that saw those events before. While rules catch up on the
 * look-back, the position is the one from before the first pending catch-up.
 */
export class RuleVersions {
  private readonly versions = new Map<string, number>();
  /** The newest alert-rules position applied. */
  private position = FILE_POSITION;
  private pendingCatchUps = 0;
  private positionBeforePending = FILE_POSITION;

  /** A catalog change at `position` was applied; returns the position every rule had before it. */
  moved(position: number): number {
    const before = this.position;
    this.position = Math.max(this.position, position);
    return before;
  }

  /** The rule started over with its record at `position`. */
  started(ruleId: string, position: number): void {
    this.versions.set(ruleId, position);
  }

  deleted(ruleId: string): void {
    this.versions.delete(ruleId);
  }

  versionOf(ruleId: string): number {
    return this.versions.get(ruleId) ?? FILE_POSITION;
  }

  /** A catch-up is queued; `positionBefore` is what every rule had caught up to before it. */
  catchUpQueued(positionBefore: number): void {
    if (this.pendingCatchUps++ === 0) this.positionBeforePending = positionBefore;
  }

  catchUpSettled(): void {
    this.pendingCatchUps--;
  }

  /** What every rule had caught up to before the pending catch-ups (they evaluate from there). */
  get catchUpBase(): number {
    return this.positionBeforePending;
  }

  /** The position every rule version has evaluated the events read so far for. */
  settled(): number {
    return this.pendingCatchUps > 0 ? this.positionBeforePending : this.position;
  }
}
