/**
 * Offsets of messages whose work finishes out of order (deliveries run concurrently, and a
 * slow channel must not hold back the rest). The committable offset of a partition is the
 * lowest one still in flight, so a crash redelivers every unfinished message and nothing
 * finished is delivered twice because of a commit that jumped ahead.
 */
export class OffsetTracker {
  private readonly pending = new Map<number, Set<bigint>>();
  private readonly highest = new Map<number, bigint>();

  started(partition: number, offset: string): void {
    const value = BigInt(offset);
    let set = this.pending.get(partition);
    if (!set) this.pending.set(partition, (set = new Set()));
    set.add(value);
    if ((this.highest.get(partition) ?? -1n) < value) this.highest.set(partition, value);
  }

  finished(partition: number, offset: string): void {
    this.pending.get(partition)?.delete(BigInt(offset));
  }

  /** Work done in one go (no out-of-order completion): committable up to and including it. */
  completed(partition: number, offset: string): void {
    this.started(partition, offset);
    this.finished(partition, offset);
  }

  partitions(): number[] {
    return [...this.highest.keys()];
  }

  inFlight(): number {
    let total = 0;
    for (const set of this.pending.values()) total += set.size;
    return total;
  }

  /** The offset to commit per partition (Kafka's "next offset to read"), or none yet. */
  committable(): Array<{ partition: number; offset: string }> {
    const result: Array<{ partition: number; offset: string }> = [];
    for (const [partition, highest] of this.highest) {
      const set = this.pending.get(partition);
      let next = highest + 1n;
      for (const offset of set ?? []) if (offset < next) next = offset;
      result.push({ partition, offset: next.toString() });
    }
    return result;
  }

  forget(partitions: number[]): void {
    for (const partition of partitions) {
      this.pending.delete(partition);
      this.highest.delete(partition);
    }
  }
}
