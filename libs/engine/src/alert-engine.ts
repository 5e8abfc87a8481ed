import { AlertRule } from '@app/contracts';
import {
  EngineEvent,
  EngineOptions,
  EngineStats,
  OfferResult,
  RuleOutcome,
  Transition,
  TransitionCause,
} from './engine-types';
import { DueQueue } from './keys/due-queue';
import { BlockStore } from './windows/block-store';
import { KeyState } from './keys/key-state';
import {
  APPLIED,
  CompiledRule,
  FUTURE,
  keepsWindows,
  LATE,
  NONE,
  NOTHING,
  Outcome,
  REFUSED,
} from './rules/compiled-rule';
import { compare } from './rules/condition';
import { WHOLE_RULE_KEY } from './rules/group-key';
import { RuleIndex } from './rules/rule-index';
import { assertEngineOptions, assertEvaluableRule, assertTime } from './engine-input';

/** Shared by every tick transition, so frozen. */
const TICK: TransitionCause = Object.freeze({ kind: 'tick' });

/**
 * Evaluates alert rules over event windows, per rule and group key, and reports when a
 * condition becomes true or false. Pure and synchronous: time comes in as arguments, so
 * the service decides when to tick and tests replay any history exactly. SEMANTICS.md
 * is the specification.
 */
export class AlertEngine {
  private readonly options: EngineOptions;
  private readonly rules = new Map<string, CompiledRule>();
  private readonly index = new RuleIndex();
  private readonly queue = new DueQueue<KeyState>();
  private readonly store = new BlockStore();
  private nextOrder = 0;
  /**
   * The floor F, the highest wallNow - graceMs seen by tick(): every key's clock is at least
   * F, so windows move on, and late events are refused, even for keys that receive nothing.
   */
  private floor = -Infinity;

  constructor(options: EngineOptions) {
    assertEngineOptions(options);
    this.options = { ...options };
  }

  /**
   * Adds or replaces a rule; `since` is when its evaluation starts (window completeness).
   * Returns true when the rule starts over enabled with empty windows (new, re-enabled, or
   * evaluating differently): a caller holding events it should count offers them again.
   */
  setRule(rule: AlertRule, since: number): boolean {
    assertEvaluableRule(rule);
    assertTime(since, 'since');
    const existing = this.rules.get(rule.id);
    const bothEnabled = existing !== undefined && existing.rule.enabled && rule.enabled;
    if (existing && bothEnabled && keepsWindows(existing.rule, rule)) {
      existing.rule = rule;
      return false;
    }
    // A changed rule starts over, but its firing keys stay firing until the next tick
    // re-evaluates them, so their incidents can resolve instead of being orphaned.
    // Copied out: the old keys' slots are released with them.
    const carried = bothEnabled
      ? [...existing.keys.values()]
          .filter((key) => key.firing)
          .map((key) => ({ key: key.key, lastSeen: key.lastSeen }))
      : [];
    if (existing) this.dropKeys(existing);
    const compiled = new CompiledRule(rule, existing?.order ?? this.nextOrder++, since, this.store);
    this.rules.set(rule.id, compiled);
    if (rule.enabled) {
      this.createPermanentKey(compiled);
      for (const old of carried) {
        const state = compiled.keys.get(old.key) ?? compiled.createKey(old.key);
        state.firing = true;
        state.lastSeen = old.lastSeen;
        this.queue.schedule(state, -Infinity);
      }
    }
    this.index.rebuild(this.rules.values());
    return rule.enabled;
  }

  deleteRule(ruleId: string): void {
    const existing = this.rules.get(ruleId);
    if (!existing) return;
    this.dropKeys(existing);
    this.rules.delete(ruleId);
    this.index.rebuild(this.rules.values());
  }

  /** Forgets all window state and the floor (rules stay), e.g. before replaying history. */
  clear(): void {
    this.floor = -Infinity;
    for (const rule of this.rules.values()) {
      this.dropKeys(rule);
      if (rule.rule.enabled) this.createPermanentKey(rule);
    }
  }

  /**
   * `onlyRules`: evaluate the event for these rules alone (a rule catching up on history).
   * Runs for every event, so it allocates nothing in the common case (one matching rule, no
   * transition): that result, like every empty list in one, is a shared frozen object.
   */
  offer(event: EngineEvent, wallNow: number, onlyRules?: ReadonlySet<string>): OfferResult {
    const maxKeys = this.options.maxKeysPerRule ?? Infinity;
    assertTime(event.occurredAt, 'event.occurredAt');
    assertTime(wallNow, 'wallNow');
    const future = event.occurredAt > wallNow + this.options.maxFutureSkewMs;
    const rules = this.index.rulesForType(event.type);
    // What one matching rule alone reports; the lists are only built once a second one does.
    let alone = NOTHING;
    let outcomes: Readonly<RuleOutcome>[] | null = null;
    let transitions: Transition[] | null = null;
    let reported = 0;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (onlyRules && !onlyRules.has(rule.rule.id)) continue;
      // Before its activation an event does not exist for the rule: not even as an outcome.
      if (event.occurredAt < rule.activeFrom) continue;
      if (!rule.matcher.acceptsOrigin(event)) continue;
      let outcome: Outcome;
      if (future) outcome = FUTURE;
      else {
        const key = event.groupKey ?? rule.groupKeyOf(event);
        let state = rule.keys.get(key);
        const clock = Math.max(this.floor, state ? state.maxOccurredAt : -Infinity);
        if (rule.geometry.isLate(event.occurredAt, clock)) outcome = LATE;
        else if (!state && rule.keys.size >= maxKeys) {
          // Existing keys go on; only a key beyond the cap is not tracked.
          outcome = REFUSED;
        } else {
          outcome = APPLIED;
          state ??= rule.createKey(key);
          const transition = this.apply(rule, state, event, Math.max(clock, event.occurredAt));
          if (transition) (transitions ??= []).push(transition);
        }
      }
      if (reported++ === 0) alone = rule.alone[outcome];
      else (outcomes ??= [...alone.outcomes]).push(rule.outcomes[outcome]);
    }
    if (transitions === null) return outcomes === null ? alone : { transitions: NONE, outcomes };
    return { transitions, outcomes: outcomes ?? alone.outcomes };
  }

  /** Adds an event to a key's window, evaluates it at the key's new clock `t`, reschedules it. */
  private apply(
    rule: CompiledRule,
    state: KeyState,
    event: EngineEvent,
    t: number,
  ): Transition | null {
    if (event.occurredAt > state.maxOccurredAt) state.maxOccurredAt = event.occurredAt;
    if (event.occurredAt > state.lastSeen) state.lastSeen = event.occurredAt;
    // add() leaves the window advanced to t.
    state.add(event.occurredAt, event.id, event.value, t);
    const transition = this.judge(rule, state, t, event.id);
    // Only ever move a key earlier here: a due time that turns out early costs one
    // spurious evaluation at a tick, while re-sorting the heap on every event would not pay.
    const due = this.nextDue(rule, state, t);
    if (due < state.due) this.queue.schedule(state, due);
    return transition;
  }

  /** Advances the floor to wallNow - graceMs and re-evaluates the keys whose window changed. */
  /**
   * `maxKeys` bounds the work of one call, so a caller can spread a large tick (every key of
   * a tumbling rule at a bucket end, say) over several turns of its event loop: call again
   * with the same `wallNow` while `hasDueKeys()` says so. The result is the same as one call.
   */
  tick(wallNow: number, maxKeys = Infinity): Transition[] {
    assertTime(wallNow, 'wallNow');
    this.floor = Math.max(this.floor, wallNow - this.options.graceMs);
    const found: Array<{ order: number; transition: Transition }> = [];
    for (const state of this.queue.popDue(this.floor, maxKeys)) {
      const rule = state.rule;
      const t = Math.max(state.maxOccurredAt, this.floor);
      const transition = this.evaluate(rule, state, t, null);
      if (transition) found.push({ order: rule.order, transition });
      if (this.isEvictable(rule, state, t, transition === null)) {
        this.forgetKey(rule, state);
        rule.evictedKeys++;
        continue;
      }
      let due = this.nextDue(rule, state, t);
      // Whether an incident opened for it is known once the caller has handled this
      // transition: look again at the next tick.
      if (transition?.firing && this.isReleasable(rule, state)) due = Math.min(due, this.floor + 1);
      this.queue.schedule(state, due);
    }
    found.sort((a, b) => a.order - b.order || compareKeys(a.transition, b.transition));
    return found.map((entry) => entry.transition);
  }

  /**
   * Calls `visit` with each key of the rule and its aggregate over the window at `t`
   * (undefined for avg/min/max of no value; a sliding count capped as the window keeps it),
   * judging nothing: no transition, no pending state, no eviction. For a replay in time order
   * (the gateway's backtest sampling a rule's value between events): it moves the floor to
   * `t` so the windows can be advanced to `t` (no event before `t` may come after), which the
   * next evaluation at or after `t` would do anyway, so the transitions are unchanged.
   */
  aggregatesAt(
    ruleId: string,
    t: number,
    visit: (groupKey: string, value: number | undefined, windowEmpty: boolean) => void,
  ): void {
    assertTime(t, 't');
    this.floor = Math.max(this.floor, t);
    const rule = this.rules.get(ruleId);
    if (!rule) return;
    for (const state of rule.keys.values()) {
      state.advanceTo(Math.max(this.floor, state.maxOccurredAt));
      visit(state.key, state.aggregate(), state.isEmpty());
    }
  }

  /** Whether the condition of `ruleId` holds on a window with no event (count/sum `<` rules). */
  holdsWhenEmpty(ruleId: string): boolean {
    return this.rules.get(ruleId)?.holdsWhenEmpty ?? false;
  }

  /** Whether keys are due at the current floor (a bounded tick left some). */
  hasDueKeys(): boolean {
    return this.queue.hasDue(this.floor);
  }

  stats(): EngineStats {
    let keys = 0;
    let stateEntries = 0;
    for (const rule of this.rules.values()) {
      keys += rule.keys.size;
      for (const state of rule.keys.values()) stateEntries += state.entryCount();
    }
    return { rules: this.rules.size, keys, stateEntries };
  }

  /**
   * Bytes of the arrays the rules' windows keep their numbers in (outside the JS heap), in use
   * or free for the next keys of any rule.
   */
  windowArrayBytes(): number {
    return this.store.capacity * Float64Array.BYTES_PER_ELEMENT;
  }

  /** Keys per rule, for the per-rule gauge. */
  keysByRule(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [id, rule] of this.rules) counts.set(id, rule.keys.size);
    return counts;
  }

  /**
   * Pending keys per rule (condition holding, `forSeconds` not yet over), for the per-rule
   * gauge. Counts on demand: a scrape is rare, an event is not.
   */
  pendingKeysByRule(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [id, rule] of this.rules) {
      let pending = 0;
      if (rule.forMs > 0) for (const state of rule.keys.values()) if (state.pending) pending++;
      counts.set(id, pending);
    }
    return counts;
  }

  /** Keys forgotten per rule since the last call (rules with none left out). */
  takeEvictedKeys(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [id, rule] of this.rules) {
      if (rule.evictedKeys === 0) continue;
      counts.set(id, rule.evictedKeys);
      rule.evictedKeys = 0;
    }
    return counts;
  }

  /** The rule's keys whose condition currently holds, sorted. */
  firingKeys(ruleId: string): string[] {
    const rule = this.rules.get(ruleId);
    if (!rule) return [];
    const firing: string[] = [];
    for (const state of rule.keys.values()) if (state.firing) firing.push(state.key);
    return firing.sort();
  }

  private evaluate(
    rule: CompiledRule,
    state: KeyState,
    t: number,
    /** The event that caused this evaluation, or null for a tick. */
    eventId: string | null,
  ): Transition | null {
    state.advanceTo(t);
    return this.judge(rule, state, t, eventId);
  }

  /** Evaluates a window already advanced to `t`; a transition when the answer changed. */
  private judge(
    rule: CompiledRule,
    state: KeyState,
    t: number,
    eventId: string | null,
  ): Transition | null {
    const value = state.aggregate();
    let holds = value !== undefined && compare(rule.operator, value, rule.threshold);
    // On a window that began before the rule did, we may simply not have seen its events.
    if (holds && !rule.monotone && rule.geometry.startAt(t) < rule.since) holds = false;
    if (rule.forMs > 0 && !state.firing) {
      // `forSeconds`: a key whose condition begins to hold is pending from this t, and fires
      // only at an evaluation forMs later that still finds it holding; one that finds it false
      // before then just stops pending. Plain number writes: nothing allocated per event.
      if (!holds) {
        state.pendingSince = NaN;
        return null;
      }
      let since = state.pendingSince;
      if (since !== since) state.pendingSince = since = t;
      if (t - since < rule.forMs) return null;
      state.pendingSince = NaN;
    }
    if (holds === state.firing) return null;
    state.firing = holds;
    return {
      ruleId: rule.rule.id,
      groupKey: state.key,
      firing: holds,
      value: value ?? null,
      windowStart: rule.geometry.startAt(t),
      windowEnd: t,
      eventIds: holds ? state.newestEventIds() : [],
      cause: eventId === null ? TICK : { kind: 'event', eventId },
    };
  }

  /**
   * The earliest floor at which re-evaluating this key could give a different answer:
   * an entry leaving the window, the window becoming complete, or the idle TTL running out.
   */
  private nextDue(rule: CompiledRule, state: KeyState, t: number): number {
    let due = state.nextChangeAt();
    // A pending key fires at a tick once it has held forMs, even if nothing else changes.
    if (state.pending) due = Math.min(due, state.pendingSince + rule.forMs);
    if (!rule.monotone && rule.completeFrom > t) due = Math.min(due, rule.completeFrom);
    if (!state.permanent) {
      // Past it already, the TTL waits for the window to empty, which is a change above.
      const idleAt = state.lastSeen + this.options.idleKeyTtlMs;
      if (idleAt >= t) due = Math.min(due, idleAt);
    }
    return due;
  }

  /**
   * A key that cannot change any future answer is dropped: either it is indistinguishable
   * from a key that never existed, or its source went quiet for longer than the idle TTL
   * (then it goes even when firing, without a transition: its incident stays as it is).
   */
  private isEvictable(
    rule: CompiledRule,
    state: KeyState,
    t: number,
    /** False right after a firing transition: the caller has not seen it yet. */
    settled: boolean,
  ): boolean {
    // A pending key is about to fire (at most forSeconds away): forgetting it would lose that.
    if (state.permanent || state.pending || !state.isEmpty()) return false;
    const likeNew = !state.firing && state.maxOccurredAt <= this.floor && !rule.holdsWhenEmpty;
    const released =
      settled &&
      this.isReleasable(rule, state) &&
      !this.options.holdsFiringKey!(rule.rule.id, state.key);
    return likeNew || released || state.lastSeen < t - this.options.idleKeyTtlMs;
  }

  /** A firing key with an empty window, which the caller may let go (no incident open). */
  private isReleasable(rule: CompiledRule, state: KeyState): boolean {
    return (
      state.firing &&
      this.options.holdsFiringKey !== undefined &&
      !state.permanent &&
      state.isEmpty()
    );
  }

  private createPermanentKey(rule: CompiledRule): void {
    // Due at once: "fewer than N events" must be able to fire when nothing ever arrives.
    if (rule.rule.groupBy === 'none')
      this.queue.schedule(rule.createKey(WHOLE_RULE_KEY), -Infinity);
  }

  private forgetKey(rule: CompiledRule, state: KeyState): void {
    this.queue.remove(state);
    rule.forgetKey(state);
  }

  private dropKeys(rule: CompiledRule): void {
    for (const state of rule.keys.values()) this.queue.remove(state);
    rule.forgetAllKeys();
  }
}

function compareKeys(a: Transition, b: Transition): number {
  return a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : 0;
}
