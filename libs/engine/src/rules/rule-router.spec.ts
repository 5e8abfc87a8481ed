import { AlertEngine } from '../alert-engine';
import { Transition } from '../engine-types';
import { makeEvent, makeRule, T0 } from '../testing/fixtures';
import { generateStream } from '../testing/stream-generator';
import { RuleRouter } from './rule-router';

describe('RuleRouter', () => {
  it('routes an event to the rules it matches, with its key under each', () => {
    const router = new RuleRouter();
    router.setRule(makeRule({ id: 'by-client', groupBy: 'payload.client' }));
    router.setRule(makeRule({ id: 'whole', groupBy: 'none', match: { minSeverity: 'critical' } }));
    router.setRule(makeRule({ id: 'later', activeFrom: new Date(T0 + 1).toISOString() }));
    const routed = router.route(makeEvent({ payload: { client: 'c-1' }, severity: 'critical' }));
    expect(routed.map((m) => [m.rule.id, m.groupKey])).toEqual([
      ['by-client', 'c-1'],
      ['whole', '*'],
    ]);
    expect(router.route(makeEvent({ type: 'other.type' }))).toEqual([]);
  });

  it('says when a rule starts over, as the engine does', () => {
    const router = new RuleRouter();
    const rule = makeRule();
    expect(router.setRule(rule)).toBe(true);
    expect(router.setRule({ ...rule, name: 'renamed' })).toBe(false);
    expect(router.setRule({ ...rule, condition: { ...rule.condition, threshold: 9 } })).toBe(true);
    expect(router.setRule({ ...rule, enabled: false })).toBe(false);
    expect(router.route(makeEvent())).toEqual([]);
    router.deleteRule(rule.id);
    expect(router.setRule(rule)).toBe(true);
  });

  // The forwarding replica routes, the holding replica evaluates the forwarded match (key
  // given, no payload, that rule alone): over random streams, that must be what one engine
  // evaluating the original event decides.
  it('agrees with the engine over random streams: routed matches evaluate like the events', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const { options, operations } = generateStream(seed);
      const direct = new AlertEngine(options);
      const forwarded = new AlertEngine(options);
      const router = new RuleRouter();
      for (const [index, operation] of operations.entries()) {
        const where = `seed ${seed} operation #${index}`;
        switch (operation.kind) {
          case 'setRule': {
            const startsOver = direct.setRule(operation.rule, operation.since);
            forwarded.setRule(operation.rule, operation.since);
            expect({ where, startsOver: router.setRule(operation.rule) }).toEqual({
              where,
              startsOver,
            });
            break;
          }
          case 'deleteRule':
            direct.deleteRule(operation.ruleId);
            forwarded.deleteRule(operation.ruleId);
            router.deleteRule(operation.ruleId);
            break;
          case 'clear':
            direct.clear();
            forwarded.clear();
            break;
          case 'tick':
            expect({ where, t: forwarded.tick(operation.wallNow) }).toEqual({
              where,
              t: direct.tick(operation.wallNow),
            });
            break;
          case 'offer': {
            const { event, wallNow } = operation;
            const expected = direct.offer(event, wallNow);
            const transitions: Transition[] = [];
            const ruleIds: string[] = [];
            for (const { rule, groupKey } of router.route(event)) {
              ruleIds.push(rule.id);
              const match = { ...event, payload: null, groupKey };
              transitions.push(...forwarded.offer(match, wallNow, new Set([rule.id])).transitions);
            }
            expect({ where, ruleIds, transitions }).toEqual({
              where,
              ruleIds: expected.outcomes.map((o) => o.ruleId),
              transitions: expected.transitions,
            });
          }
        }
      }
    }
  });
});
