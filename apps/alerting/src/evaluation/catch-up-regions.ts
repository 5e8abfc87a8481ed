/** One partition's catch-up: below `until`, only the rules catching up evaluate events. */
interface Region {
  /** Where evaluation had got for every other rule when the catch-up began. */
  until: bigint;
  /** The alert-rules position every rule had caught up to before this catch-up began. */
  rulesBefore: number;
  /** Per catching-up rule, the first offset it has not evaluated yet. */
  from: Map<string, bigint>;
}

/**
 * Rules that started over while their partitions were being evaluated (new, re-enabled or
 * changed rules) evaluate the events this replica had already evaluated without them: the
 * partition is read again from the rule's look-back up to where evaluation had got, and
 * those events go to the catching-up rules alone (with notifications: no version of them saw
 * those events before). Pure bookkeeping of offsets, so it is unit-tested without Kafka.
 */
export class CatchUpRegions {
  private readonly regions = new Map<number, Region>();

  /**
   * `ruleId` catches up on `partition` from `from`, evaluation being at `position`. Returns
   * the offset to seek to, or null when there is nothing to read again.
   */
  add(
    partition: number,
    ruleId: string,
    from: bigint,
    position: bigint,
    rulesBefore: number,
  ): bigint | null {
    const region = this.regions.get(partition);
    if (!region) {
      if (from >= position) return null;
      this.regions.set(partition, {
        until: position,
        rulesBefore,
        from: new Map([[ruleId, from]]),
      });
      return from;
    }
    // Rules already catching up here have evaluated everything below the current position.
    for (const [id, start] of region.from) if (start < position) region.from.set(id, position);
    region.from.set(ruleId, from);
    return from < position ? from : null;
  }

  /** The rules that evaluate this offset, or null for every rule (no catch-up there). */
  rulesFor(partition: number, offset: bigint): Set<string> | null {
    const region = this.regions.get(partition);
    if (!region || offset >= region.until) return null;
    const rules = new Set<string>();
    for (const [id, start] of region.from) if (start <= offset) rules.add(id);
    return rules;
  }

  /** Evaluation reached `next`: returns true when that ended the partition's catch-up. */
  reached(partition: number, next: bigint): boolean {
    const region = this.regions.get(partition);
    if (!region || next < region.until) return false;
    this.regions.delete(partition);
    return true;
  }

  /** The rules position the partition's evaluated events are complete for, if catching up. */
  rulesBefore(partition: number): number | undefined {
    return this.regions.get(partition)?.rulesBefore;
  }

  clear(): void {
    this.regions.clear();
  }
}
