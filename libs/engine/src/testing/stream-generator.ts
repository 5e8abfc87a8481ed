import { AGGREGATES, AlertRule, GroupBy, OPERATORS, SEVERITIES } from '@app/contracts';
import { EngineEvent, EngineOptions } from '../engine-types';
import { Prng } from './prng';

export type Operation =
  | { kind: 'setRule'; rule: AlertRule; since: number }
  | { kind: 'deleteRule'; ruleId: string }
  | { kind: 'clear' }
  | { kind: 'offer'; event: EngineEvent; wallNow: number }
  | { kind: 'tick'; wallNow: number };

export interface Stream {
  options: EngineOptions;
  operations: Operation[];
}

const TYPES = ['a.x', 'a.y', 'b.y', 'b.zz'];
const TYPE_PATTERNS = [
  ['a.x'],
  ['a.*'],
  ['*'],
  ['*.y'],
  ['b.y', 'a.x'],
  ['b.*z', 'a.y'],
  ['*', 'a.x'],
];
const SOURCES = ['s1', 's2', 's3', 's4'];
const GROUP_BYS: GroupBy[] = ['source', 'source', 'none', 'none', 'payload.k', 'payload.a.b'];
const WINDOW_SECONDS = [1, 1, 2, 3, 3, 5, 6, 60];
/** Half the rules fire at once; the others wait less than, as long as, or more than a window. */
const FOR_SECONDS = [0, 0, 0, 0, 1, 2, 3, 5, 7, 90];

/**
 * A random history for the engine and the oracle: rules of every kind, events bunched on
 * window, slot and bucket boundaries (and one ms either side), out of order, duplicated
 * timestamps, nulls, late and future events, ticks at irregular wall times, rule changes.
 * Values are small integers so float sums are exact in any order.
 */
export function generateStream(seed: number): Stream {
  const random = new Prng(seed);
  const options: EngineOptions = {
    graceMs: random.pick([0, 1, 250, 1000, 3000]),
    maxFutureSkewMs: random.pick([0, 1, 500, 5000]),
    idleKeyTtlMs: random.pick([0, 1000, 4000, 20_000, 120_000]),
  };
  const aligned = random.chance(0.5);
  let wall = 1_700_000_000_000 + (aligned ? 0 : random.int(0, 59_999));
  const rules = new Map<string, AlertRule>();
  const operations: Operation[] = [];
  const times: number[] = [];
  const ruleCount = random.int(1, 3);
  for (let i = 0; i < ruleCount; i++) {
    const rule = randomRule(random, `r${i}`);
    rules.set(rule.id, rule);
    operations.push({ kind: 'setRule', rule, since: sinceNear(random, wall, rule) });
  }
  const length = random.int(40, 160);
  let eventNumber = 0;
  while (operations.length < length) {
    const roll = random.next();
    const ruleList = [...rules.values()];
    const someRule = ruleList.length > 0 ? random.pick(ruleList) : randomRule(random, 'x');
    const W = someRule.window.seconds * 1000;
    if (roll < 0.58) {
      if (random.chance(0.3)) wall += random.pick([0, 1, random.int(1, 50), random.int(1, 500)]);
      const occurredAt = occurredAtNear(random, wall, someRule, times, options);
      times.push(occurredAt);
      operations.push({
        kind: 'offer',
        event: randomEvent(random, streamEventId(eventNumber++), occurredAt),
        wallNow: wall,
      });
    } else if (roll < 0.9) {
      wall += random.pick([
        0,
        1,
        random.int(1, W / 10),
        W / 2,
        W,
        W + 1,
        W - 1,
        3 * W,
        random.int(0, 2 * W),
      ]);
      // Land exactly on a boundary plus the grace now and then, so the floor hits it.
      if (random.chance(0.2)) wall = boundaryNear(random, wall, someRule) + options.graceMs;
      operations.push({ kind: 'tick', wallNow: wall });
    } else if (roll < 0.915) {
      // A burst, so large count thresholds (K up to 141) and the 20/100 id caps are reached.
      const type = random.pick(TYPES);
      const size = random.int(20, 150);
      for (let i = 0; i < size; i++) {
        const occurredAt = wall - random.int(0, Math.min(W, 2000));
        const event = randomEvent(random, streamEventId(eventNumber++), occurredAt);
        operations.push({ kind: 'offer', event: { ...event, type }, wallNow: wall });
      }
    } else if (roll < 0.935) {
      // Steady load with ticks: windows stay full while they become complete or slide.
      const type = random.pick(TYPES);
      const step = random.int(1, Math.max(1, W / 20));
      const size = random.int(20, 120);
      for (let i = 0; i < size; i++) {
        wall += step;
        const event = randomEvent(random, streamEventId(eventNumber++), wall - random.int(0, step));
        operations.push({ kind: 'offer', event: { ...event, type }, wallNow: wall });
        if (i % 5 === 4) operations.push({ kind: 'tick', wallNow: wall });
      }
    } else if (roll < 0.97) {
      const id = random.pick([...rules.keys(), 'r9']);
      const rule = changedRule(random, rules.get(id), id);
      rules.set(id, rule);
      operations.push({ kind: 'setRule', rule, since: sinceNear(random, wall, rule) });
    } else if (roll < 0.99) {
      if (ruleList.length === 0) continue;
      const ruleId = someRule.id;
      rules.delete(ruleId);
      operations.push({ kind: 'deleteRule', ruleId });
    } else {
      operations.push({ kind: 'clear' });
    }
  }
  return { options, operations };
}

function randomRule(random: Prng, id: string): AlertRule {
  const aggregate = random.pick(AGGREGATES);
  return {
    id,
    name: `rule ${id}`,
    description: '',
    enabled: random.chance(0.92),
    match: {
      types: random.pick(TYPE_PATTERNS),
      sources: random.chance(0.7) ? [] : SOURCES.filter(() => random.chance(0.6)),
      minSeverity: random.pick(['low', 'low', 'medium', 'high'] as const),
    },
    groupBy: random.pick(GROUP_BYS),
    window: {
      kind: random.pick(['sliding', 'tumbling'] as const),
      seconds: random.pick(WINDOW_SECONDS),
    },
    condition: {
      aggregate,
      operator: random.pick(OPERATORS),
      threshold: randomThreshold(random, aggregate),
    },
    severity: 'high',
    cooldownSeconds: 0,
    forSeconds: random.pick(FOR_SECONDS),
    autoResolve: true,
    channels: [{ type: 'console' }],
  };
}

function randomThreshold(random: Prng, aggregate: AlertRule['condition']['aggregate']): number {
  const half = random.chance(0.15) ? 0.5 : 0;
  switch (aggregate) {
    case 'count':
      return random.chance(0.1) ? random.int(20, 140) : random.int(0, 5) + half;
    case 'sum':
      return random.int(-4, 24) + half;
    default:
      return random.int(-3, 9) + half;
  }
}

/** A rule change: sometimes cosmetic (state kept), sometimes one evaluation field. */
function changedRule(random: Prng, old: AlertRule | undefined, id: string): AlertRule {
  if (!old) return randomRule(random, id);
  const rule: AlertRule = structuredClone(old);
  switch (random.int(0, 6)) {
    case 0:
      rule.name = `${old.name}'`;
      break;
    case 1:
      rule.condition.threshold = randomThreshold(random, rule.condition.aggregate);
      break;
    case 2:
      rule.condition.operator = random.pick(OPERATORS);
      break;
    case 3:
      rule.window = { ...rule.window, seconds: random.pick(WINDOW_SECONDS) };
      break;
    case 4:
      rule.enabled = !rule.enabled;
      break;
    case 5:
      rule.forSeconds = random.pick(FOR_SECONDS);
      break;
    default:
      return randomRule(random, id);
  }
  return rule;
}

function sinceNear(random: Prng, wall: number, rule: AlertRule): number {
  const W = rule.window.seconds * 1000;
  return random.pick([
    wall,
    wall - W,
    wall - random.int(0, 2 * W),
    wall + random.int(0, 2 * W),
    boundaryNear(random, wall, rule),
  ]);
}

/** A multiple of the rule's window, slot or second close to (and usually before) `wall`, +-0/1 ms. */
function boundaryNear(random: Prng, wall: number, rule: AlertRule): number {
  const W = rule.window.seconds * 1000;
  const slotMs = W / (rule.window.seconds % 3 === 0 ? 60 : 50);
  const unit = random.pick([W, slotMs, 1000]);
  const base = Math.floor((wall - random.int(0, W)) / unit) * unit;
  return base + random.pick([-1, 0, 0, 1]);
}

function occurredAtNear(
  random: Prng,
  wall: number,
  rule: AlertRule,
  times: number[],
  options: EngineOptions,
): number {
  const W = rule.window.seconds * 1000;
  const roll = random.next();
  if (roll < 0.35) return boundaryNear(random, wall, rule);
  if (roll < 0.6) return wall - random.int(0, options.graceMs + W);
  // Recent times: a duplicate, or exactly one window before or after one (+-1 ms).
  const recent = times.slice(-8);
  if (roll < 0.72 && recent.length > 0) return random.pick(recent);
  if (roll < 0.84 && recent.length > 0) {
    return random.pick(recent) + random.pick([-W, W]) + random.pick([-1, 0, 1]);
  }
  if (roll < 0.92) return wall + options.maxFutureSkewMs + random.pick([-1, 0, 1, 2, 100]);
  return wall - random.int(3 * W, 10 * W);
}

/**
 * Every other id is a canonical UUID: windows pack those into numbers and keep any other id
 * as a string, and both must report the same. Derived from the event's number alone, so the
 * random draws (and with them every trace) stay what they were.
 */
function streamEventId(eventNumber: number): string {
  if (eventNumber % 2 === 1) return `e${eventNumber}`;
  const mixed = (factor: number) =>
    (Math.imul(eventNumber + 1, factor) >>> 0).toString(16).padStart(8, '0');
  const hex = mixed(0x9e3779b1) + mixed(0x85ebca6b) + mixed(0xc2b2ae35) + mixed(0x27d4eb2f);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function randomEvent(random: Prng, id: string, occurredAt: number): EngineEvent {
  return {
    id,
    type: random.pick(TYPES),
    source: random.pick(SOURCES),
    severity: random.pick(SEVERITIES),
    occurredAt,
    value: random.chance(0.25) ? null : random.int(-3, 9),
    payload: randomPayload(random),
  };
}

function randomPayload(random: Prng): EngineEvent['payload'] {
  switch (random.int(0, 6)) {
    case 0:
      return null;
    case 1:
      return 'text';
    case 2:
      return {};
    case 3:
      return { k: random.pick(['x', 'y', 1, true, null, { deep: 1 }]) };
    default:
      return {
        k: random.pick(['x', 'y']),
        a: random.pick([{ b: random.pick(['u', 'v', 2]) }, 'flat', { c: 1 }]),
      };
  }
}
