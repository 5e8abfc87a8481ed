/**
 * Holds batches back while the windows are rebuilt after an assignment, and while a rule
 * catches up (both move partitions with seeks, which a batch evaluated meanwhile would
 * contradict). Work queued on the gate runs in order; a batch passes once nothing is queued,
 * including work queued while it waited.
 */
export class RebuildGate {
  private tail: Promise<void> = Promise.resolve();

  /** A new assignment: its rebuild replaces whatever was queued for the previous one. */
  reset(rebuild: Promise<void>): void {
    this.tail = rebuild;
  }

  /**
   * Runs `task` after everything queued before it. A failure (of the task, or of the rebuild
   * it waited for) goes to `onError`; the gate opens all the same.
   */
  enqueue(task: () => Promise<void>, onError: (error: Error) => void): Promise<void> {
    const done = this.tail.then(task).catch(onError);
    this.tail = done;
    return done;
  }

  /** Resolves once nothing is queued; rejects with a rebuild's failure (the batch is given up). */
  async passed(): Promise<void> {
    for (let gate = this.tail; ; gate = this.tail) {
      await gate;
      if (gate === this.tail) return;
    }
  }
}
