import { AlertRule, Operator } from '@app/contracts';
import { EngineEvent, EngineOptions, EventOutcome, RuleOutcome, Transition } from '../engine-types';
import { compileGroupKey, GroupKeyOf } from '../rules/group-key';
import { RuleMatcher } from '../rules/rule-matcher';

/**
 * The engine's specification (SEMANTICS.md) executed literally, for the randomized test:
 * it keeps every applied event forever and recomputes every key's window from scratch at
 * every evaluation point, including every key at every tick. Deliberately shares nothing
 * with the engine but the types and the matching and group-key functions.
 */
interface StoredEvent {
  id: string;
  occurredAt: number;
  value: number | null;
}

interface OracleKey {
  events: StoredEvent[];
  /** max occurredAt of applied events since the key (re)started. */
  newest: number;
  lastSeen: number;
  firing: boolean;
  /** forSeconds: the evaluation time at which the condition began to hold, unfired; null: none. */
  pendingSince: number | null;
}

interface OracleRule {
  rule: AlertRule;
  since: number;
  /** Events before it never count (-Infinity: no activation bound). */
  activeFrom: number;
  matcher: RuleMatcher;
  groupKeyOf: GroupKeyOf;
  keys: Map<string, OracleKey>;
}

/** A transition with what the oracle knows about its window instead of chosen ids. */
export interface ExpectedTransition {
  transition: Omit<Transition, 'eventIds'>;
  /** The events in the window at that evaluation. */
  windowEvents: StoredEvent[];
  /** How many ids the engine must report: min(window events, this). */
  idLimit: number;
  rule: AlertRule;
}

interface Evaluation {
  windowEvents: StoredEvent[];
  windowStart: number;
  holds: boolean;
  reported: number | null;
}

export class BruteForceOracle {
  private floor = -Infinity;
  private readonly rules = new Map<string, OracleRule>();

  constructor(private readonly options: EngineOptions) {}

  setRule(rule: AlertRule, since: number): void {
    const old = this.rules.get(rule.id);
    const sameActivation = old?.rule.activeFrom === rule.activeFrom;
    if (
      old &&
      old.rule.enabled &&
      rule.enabled &&
      sameEvaluation(old.rule, rule) &&
      sameActivation
    ) {
      old.rule = rule;
      return;
    }
    const keys = new Map<string, OracleKey>();
    if (rule.enabled && rule.groupBy === 'none') keys.set('*', freshKey());
    if (old && old.rule.enabled && rule.enabled) {
      for (const [key, state] of old.keys) {
        if (state.firing) keys.set(key, { ...freshKey(), firing: true, lastSeen: state.lastSeen });
      }
    }
    const activeFrom = rule.activeFrom === undefined ? -Infinity : Date.parse(rule.activeFrom);
    const entry: OracleRule = {
      rule,
      since: Math.max(since, activeFrom),
      activeFrom,
      matcher: new RuleMatcher(rule.match),
      groupKeyOf: compileGroupKey(rule.groupBy),
      keys,
    };
    // Map.set on an existing id keeps its place: a replaced rule keeps its order.
    this.rules.set(rule.id, entry);
  }

  deleteRule(ruleId: string): void {
    this.rules.delete(ruleId);
  }

  clear(): void {
    this.floor = -Infinity;
    for (const entry of this.rules.values()) {
      entry.keys = new Map();
      if (entry.rule.enabled && entry.rule.groupBy === 'none') entry.keys.set('*', freshKey());
    }
  }

  firingKeys(ruleId: string): string[] {
    const entry = this.rules.get(ruleId);
    if (!entry) return [];
    return [...entry.keys]
      .filter(([, state]) => state.firing)
      .map(([key]) => key)
      .sort();
  }

  offer(
    event: EngineEvent,
    wallNow: number,
  ): { transitions: ExpectedTransition[]; outcomes: RuleOutcome[] } {
    const transitions: ExpectedTransition[] = [];
    const outcomes: RuleOutcome[] = [];
    for (const entry of this.rules.values()) {
      if (!entry.rule.enabled || !entry.matcher.matches(event)) continue;
      if (event.occurredAt < entry.activeFrom) continue;
      const outcome = this.outcomeOf(entry, event, wallNow);
      outcomes.push({ ruleId: entry.rule.id, outcome });
      if (outcome !== 'applied') continue;
      const key = event.groupKey ?? entry.groupKeyOf(event);
      let state = entry.keys.get(key);
      if (!state) {
        state = freshKey();
        entry.keys.set(key, state);
      }
      state.events.push({ id: event.id, occurredAt: event.occurredAt, value: event.value });
      state.newest = Math.max(state.newest, event.occurredAt);
      state.lastSeen = Math.max(state.lastSeen, event.occurredAt);
      const t = Math.max(this.floor, state.newest);
      const found = this.evaluate(entry, key, state, t, { kind: 'event', eventId: event.id });
      if (found) transitions.push(found);
    }
    return { transitions, outcomes };
  }

  tick(wallNow: number): ExpectedTransition[] {
    this.floor = Math.max(this.floor, wallNow - this.options.graceMs);
    const transitions: ExpectedTransition[] = [];
    for (const entry of this.rules.values()) {
      for (const key of [...entry.keys.keys()].sort(byCodeUnits)) {
        const state = entry.keys.get(key)!;
        const t = Math.max(this.floor, state.newest);
        const found = this.evaluate(entry, key, state, t, { kind: 'tick' });
        if (found) transitions.push(found);
        if (this.evicted(entry, key, state, t)) entry.keys.delete(key);
      }
    }
    return transitions;
  }

  private outcomeOf(entry: OracleRule, event: EngineEvent, wallNow: number): EventOutcome {
    if (event.occurredAt > wallNow + this.options.maxFutureSkewMs) return 'future';
    const state = entry.keys.get(event.groupKey ?? entry.groupKeyOf(event));
    const clock = Math.max(this.floor, state ? state.newest : -Infinity);
    const { kind, seconds } = entry.rule.window;
    const W = seconds * 1000;
    const at = event.occurredAt;
    let late: boolean;
    if (kind === 'tumbling') {
      late = at < Math.floor(clock / W) * W;
    } else if (entry.rule.condition.aggregate === 'count') {
      late = at <= clock - W;
    } else {
      const { n, slotMs } = slotsOf(seconds);
      late = Math.floor(at / slotMs) <= Math.floor(clock / slotMs) - n;
    }
    return late ? 'late' : 'applied';
  }

  private evaluate(
    entry: OracleRule,
    key: string,
    state: OracleKey,
    t: number,
    cause: Transition['cause'],
  ): ExpectedTransition | null {
    const result = evaluateWindow(entry, state.events, t);
    const { rule } = entry;
    // forSeconds, from the definition: a non-firing key fires at an evaluation where the
    // condition holds and has held at every evaluation since the one that found it
    // beginning to hold, forSeconds or more before.
    const forMs = (rule.forSeconds ?? 0) * 1000;
    if (!state.firing) {
      if (!result.holds) {
        state.pendingSince = null;
        return null;
      }
      state.pendingSince ??= t;
      if (t < state.pendingSince + forMs) return null;
      state.pendingSince = null;
    }
    if (result.holds === state.firing) return null;
    state.firing = result.holds;
    const countCap = Math.min(Math.floor(rule.condition.threshold) + 1, 100);
    return {
      transition: {
        ruleId: rule.id,
        groupKey: key,
        firing: result.holds,
        value: result.reported,
        windowStart: result.windowStart,
        windowEnd: t,
        cause,
      },
      windowEvents: result.windowEvents,
      idLimit: rule.condition.aggregate === 'count' ? countCap : 20,
      rule,
    };
  }

  private evicted(entry: OracleRule, key: string, state: OracleKey, t: number): boolean {
    if (entry.rule.groupBy === 'none' && key === '*') return false;
    if (state.pendingSince !== null) return false;
    const empty = evaluateWindow(entry, state.events, t).windowEvents.length === 0;
    if (!empty) return false;
    const clock = Math.max(this.floor, state.newest);
    const { aggregate, operator, threshold } = entry.rule.condition;
    const holdsOnEmptyComplete =
      (aggregate === 'count' || aggregate === 'sum') && test(0, operator, threshold);
    if (!state.firing && clock <= this.floor && !holdsOnEmptyComplete) return true;
    return state.lastSeen < t - this.options.idleKeyTtlMs;
  }
}

function evaluateWindow(entry: OracleRule, events: StoredEvent[], t: number): Evaluation {
  const { rule, since } = entry;
  const { kind, seconds } = rule.window;
  const W = seconds * 1000;
  let windowStart: number;
  let inWindow: (event: StoredEvent) => boolean;
  if (kind === 'tumbling') {
    windowStart = Math.floor(t / W) * W;
    inWindow = (e) => e.occurredAt >= windowStart && e.occurredAt <= t;
  } else if (rule.condition.aggregate === 'count') {
    windowStart = t - W;
    inWindow = (e) => e.occurredAt > t - W && e.occurredAt <= t;
  } else {
    const { n, slotMs } = slotsOf(seconds);
    const firstSlot = Math.floor(t / slotMs) - n + 1;
    windowStart = firstSlot * slotMs;
    inWindow = (e) => Math.floor(e.occurredAt / slotMs) >= firstSlot && e.occurredAt <= t;
  }
  const windowEvents = events.filter(inWindow);
  const values = windowEvents
    .map((e) => e.value)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const { aggregate, operator, threshold } = rule.condition;
  let exact: number | undefined;
  switch (aggregate) {
    case 'count':
      exact = windowEvents.length;
      break;
    case 'sum':
      exact = values.reduce((a, b) => a + b, 0);
      break;
    case 'avg':
      exact = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
      break;
    case 'min':
      exact = values.length > 0 ? Math.min(...values) : undefined;
      break;
    case 'max':
      exact = values.length > 0 ? Math.max(...values) : undefined;
      break;
  }
  const monotone =
    (aggregate === 'count' && (operator === '>' || operator === '>=')) ||
    (aggregate === 'max' && (operator === '>' || operator === '>=')) ||
    (aggregate === 'min' && (operator === '<' || operator === '<='));
  const complete = windowStart >= since;
  // The condition is judged on the exact count; only the reported sliding count is capped.
  const holds = exact !== undefined && (complete || monotone) && test(exact, operator, threshold);
  let reported = exact ?? null;
  if (aggregate === 'count' && kind === 'sliding') {
    reported = Math.min(windowEvents.length, Math.floor(threshold) + 1);
  }
  return { windowEvents, windowStart, holds, reported };
}

function slotsOf(seconds: number): { n: number; slotMs: number } {
  const n = seconds % 3 === 0 ? 60 : 50;
  return { n, slotMs: (seconds * 1000) / n };
}

function test(value: number, operator: Operator, threshold: number): boolean {
  if (operator === '>') return value > threshold;
  if (operator === '>=') return value >= threshold;
  if (operator === '<') return value < threshold;
  if (operator === '<=') return value <= threshold;
  if (operator === '==') return value === threshold;
  return value !== threshold;
}

function sameEvaluation(a: AlertRule, b: AlertRule): boolean {
  const sorted = (list: string[]) => [...list].sort().join('\n');
  return (
    sorted(a.match.types) === sorted(b.match.types) &&
    sorted(a.match.sources) === sorted(b.match.sources) &&
    a.match.minSeverity === b.match.minSeverity &&
    a.groupBy === b.groupBy &&
    a.window.kind === b.window.kind &&
    a.window.seconds === b.window.seconds &&
    a.condition.aggregate === b.condition.aggregate &&
    a.condition.operator === b.condition.operator &&
    a.condition.threshold === b.condition.threshold &&
    (a.forSeconds ?? 0) === (b.forSeconds ?? 0)
  );
}

function freshKey(): OracleKey {
  return { events: [], newest: -Infinity, lastSeen: -Infinity, firing: false, pendingSince: null };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
