import { ForwardedMatch } from '@app/contracts';

/**
 * Recognises a forwarded match seen before. A replica forwards the matches of an events
 * partition in offset order, and one that reads the partition again (after a crash or a
 * rebalance, from the last commit) forwards the same matches again, in the same order. So per
 * repartition partition, rule version and events partition, a match whose origin offset is
 * not above the highest one seen is a repeat. Memory: one offset per (repartition partition,
 * rule version, events partition), whatever the rate.
 */
export class ForwardedDuplicates {
  /** `${partition}/${ruleId}/${fingerprint}/${origin partition}` -> highest origin offset. */
  private readonly highest = new Map<string, bigint>();
  private readonly keysByRule = new Map<string, Set<string>>();

  /** True when the match was seen before; otherwise remembers it. */
  isRepeat(partition: number, match: ForwardedMatch): boolean {
    const { ruleId, fingerprint, origin } = match;
    const key = `${partition}/${ruleId}/${fingerprint}/${origin.partition}`;
    const offset = BigInt(origin.offset);
    const highest = this.highest.get(key);
    if (highest !== undefined && offset <= highest) return true;
    this.highest.set(key, offset);
    let keys = this.keysByRule.get(ruleId);
    if (!keys) this.keysByRule.set(ruleId, (keys = new Set()));
    keys.add(key);
    return false;
  }

  /** The rule starts over: its matches will be offered again, from its look-back. */
  forgetRule(ruleId: string): void {
    for (const key of this.keysByRule.get(ruleId) ?? []) this.highest.delete(key);
    this.keysByRule.delete(ruleId);
  }

  clear(): void {
    this.highest.clear();
    this.keysByRule.clear();
  }
}
