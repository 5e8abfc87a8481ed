import { RuleMatch, SEVERITIES, Severity } from '@app/contracts';
import { isTypeGlob, TypeGlob } from './type-glob';

const SEVERITY_RANK = new Map<string, number>(SEVERITIES.map((severity, rank) => [severity, rank]));

/** The `match` part of a rule, compiled once: which events a rule looks at. */
export class RuleMatcher {
  readonly exactTypes: ReadonlySet<string>;
  readonly globs: readonly TypeGlob[];
  private readonly sources: ReadonlySet<string> | null;
  private readonly minRank: number;

  constructor(match: RuleMatch) {
    this.exactTypes = new Set(match.types.filter((type) => !isTypeGlob(type)));
    this.globs = match.types.filter(isTypeGlob).map((pattern) => new TypeGlob(pattern));
    this.sources = match.sources.length > 0 ? new Set(match.sources) : null;
    this.minRank = SEVERITY_RANK.get(match.minSeverity) ?? 0;
  }

  matchesType(type: string): boolean {
    return this.exactTypes.has(type) || this.globs.some((glob) => glob.test(type));
  }

  /** Source and severity: the checks left once the type is known to match. */
  acceptsOrigin(event: { source: string; severity: Severity }): boolean {
    if (this.sources !== null && !this.sources.has(event.source)) return false;
    return (SEVERITY_RANK.get(event.severity) ?? -1) >= this.minRank;
  }

  matches(event: { type: string; source: string; severity: Severity }): boolean {
    return this.matchesType(event.type) && this.acceptsOrigin(event);
  }
}
