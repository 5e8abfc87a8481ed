import { KafkaMessage } from 'kafkajs';
import { AlertEngine, EngineEvent, EventOutcome } from '@app/engine';
import { makeEvent, makeRule, OPTIONS, T0 } from '@app/engine/testing/fixtures';
import { fakeMessage } from '@app/kafka/testing/fake-kafka';
import { evaluateEvents, PartitionEvaluation } from './evaluate-events';

/** Offsets 0..n-1, each carrying one event of source `api` at T0 (a count > 2 rule fires at the third). */
function setup(count: number, overrides: Partial<PartitionEvaluation> = {}) {
  const engine = new AlertEngine(OPTIONS);
  engine.setRule(makeRule({ id: 'old' }), T0 - 60_000);
  engine.setRule(makeRule({ id: 'new' }), T0 - 60_000);
  const events = new Map<string, EngineEvent>();
  const messages: KafkaMessage[] = [];
  for (let offset = 0; offset < count; offset++) {
    messages.push(fakeMessage(String(offset)));
    events.set(String(offset), makeEvent({ occurredAt: T0 + offset }));
  }
  const outcomes: Array<[string, EventOutcome]> = [];
  const partition: PartitionEvaluation = {
    engine,
    now: T0 + 1000,
    rulesFor: () => null,
    resumeAt: undefined,
    silence: undefined,
    // "old" evaluated before the last commit (position 5); "new" arrived since (position 9).
    versionOf: (ruleId) => (ruleId === 'old' ? 5 : 9),
    decode: (message) => {
      const event = events.get(message.offset);
      return event && { event };
    },
    outcome: (ruleId, outcome) => outcomes.push([ruleId, outcome]),
    ...overrides,
  };
  return { messages, partition, outcomes };
}

const firing = (result: ReturnType<typeof evaluateEvents>) =>
  result.transitions.filter((t) => t.firing).map((t) => t.ruleId);

describe('evaluateEvents', () => {
  it("offers every event to the engine and returns the transitions it decided, with every rule's outcome", () => {
    const { messages, partition, outcomes } = setup(3);
    const result = evaluateEvents(messages, partition);
    expect(firing(result)).toEqual(['old', 'new']);
    expect(result.replayed).toBe(0);
    expect(outcomes).toHaveLength(6);
    expect(new Set(outcomes.map(([, outcome]) => outcome))).toEqual(new Set(['applied']));
  });

  it('replays silently for rule versions that evaluated those offsets before the commit, and counts the replay', () => {
    const { messages, partition } = setup(3, {
      resumeAt: 3n,
      silence: { below: 3n, knownRules: 5 },
    });
    const result = evaluateEvents(messages, partition);
    expect(firing(result)).toEqual(['new']);
    expect(result.replayed).toBe(3);
  });

  it('offers an offset being caught up on to the catching-up rules alone, and publishes what they decide', () => {
    const { messages, partition, outcomes } = setup(4, {
      silence: { below: 10n, knownRules: 9 },
      // Offset 0 is caught up by nobody yet; offsets 1-3 by "new" only.
      rulesFor: (offset) => (offset === 0n ? new Set() : new Set(['new'])),
    });
    const result = evaluateEvents(messages, partition);
    expect(outcomes.map(([ruleId]) => ruleId)).toEqual(['new', 'new', 'new']);
    expect(firing(result)).toEqual(['new']);
  });

  it('offers a forwarded match to its rule alone', () => {
    const { messages, partition, outcomes } = setup(3, {
      decode: () => ({ event: makeEvent({ occurredAt: T0, groupKey: 'k' }), ruleId: 'new' }),
    });
    const result = evaluateEvents(messages, partition);
    expect(outcomes.map(([ruleId]) => ruleId)).toEqual(['new', 'new', 'new']);
    expect(firing(result)).toEqual(['new']);
    expect(result.transitions[0].groupKey).toBe('k');
  });

  it('forwards matches like it notifies: not again in a replay for the rule versions that forwarded them', () => {
    const forwardedFor: string[][] = [];
    const forward = (_: unknown, message: KafkaMessage, forwards: (ruleId: string) => boolean) => {
      forwardedFor.push(['old', 'new', 'other'].filter(forwards));
      return [{ key: message.offset, value: 'match' }];
    };
    const { messages, partition } = setup(4, {
      resumeAt: 4n,
      silence: { below: 2n, knownRules: 5 },
      forward,
    });
    const result = evaluateEvents(messages, partition);
    // Offsets 0 and 1, below the commit: "old" (known then) forwarded them already.
    expect(forwardedFor).toEqual([
      ['new', 'other'],
      ['new', 'other'],
      ['old', 'new', 'other'],
      ['old', 'new', 'other'],
    ]);
    expect(result.forwards.map((m) => m.key)).toEqual(['0', '1', '2', '3']);

    forwardedFor.length = 0;
    const catchingUp = setup(2, { rulesFor: () => new Set(['other']), forward });
    evaluateEvents(catchingUp.messages, catchingUp.partition);
    expect(forwardedFor).toEqual([['other'], ['other']]);
  });

  it('skips what does not decode', () => {
    const { messages, partition, outcomes } = setup(3, { decode: () => undefined });
    expect(evaluateEvents(messages, partition).transitions).toEqual([]);
    expect(outcomes).toEqual([]);
  });
});
