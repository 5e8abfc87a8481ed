import { CompiledRule } from './compiled-rule';

/** Cached type lookups; event types are few in practice, and the cap guards against many. */
const MAX_CACHED_TYPES = 4096;

/**
 * Finds the rules whose types match an event type without testing every rule: exact
 * types by map lookup, and only the rules with globs by pattern. Results are cached per
 * type until the rule set changes.
 */
export class RuleIndex {
  private byType = new Map<string, CompiledRule[]>();
  private withGlobs: CompiledRule[] = [];
  private readonly cache = new Map<string, readonly CompiledRule[]>();

  /** Rebuilds from the enabled rules (rule changes are rare; lookups are per event). */
  rebuild(rules: Iterable<CompiledRule>): void {
    this.byType = new Map();
    this.withGlobs = [];
    this.cache.clear();
    for (const rule of rules) {
      if (!rule.rule.enabled) continue;
      for (const type of rule.matcher.exactTypes) {
        const list = this.byType.get(type);
        if (list) list.push(rule);
        else this.byType.set(type, [rule]);
      }
      if (rule.matcher.globs.length > 0) this.withGlobs.push(rule);
    }
  }

  /** Enabled rules whose types match, in rule order (source and severity not checked). */
  rulesForType(type: string): readonly CompiledRule[] {
    // Kept this small so that it is inlined into offer(); a miss is the rare, larger part.
    return this.cache.get(type) ?? this.lookUp(type);
  }

  private lookUp(type: string): readonly CompiledRule[] {
    const found = new Set(this.byType.get(type));
    for (const rule of this.withGlobs) {
      if (!found.has(rule) && rule.matcher.globs.some((glob) => glob.test(type))) found.add(rule);
    }
    const rules = [...found].sort((a, b) => a.order - b.order);
    if (this.cache.size >= MAX_CACHED_TYPES) this.cache.clear();
    this.cache.set(type, rules);
    return rules;
  }
}
