import { AlertEngine } from '../alert-engine';
import { Transition } from '../engine-types';
import { BruteForceOracle, ExpectedTransition } from './brute-force-oracle';
import { generateStream, Operation } from './stream-generator';

/** What one stream exercised, so the test can prove the generator reaches every case. */
export interface Coverage {
  transitions: Map<string, number>;
  outcomes: Map<string, number>;
  operations: number;
}

export function emptyCoverage(): Coverage {
  return { transitions: new Map(), outcomes: new Map(), operations: 0 };
}

/**
 * Replays one random stream through the engine and the oracle side by side; returns a
 * description of the first disagreement, or null.
 */
export function compareWithOracle(seed: number, coverage: Coverage): string | null {
  const { options, operations } = generateStream(seed);
  const engine = new AlertEngine(options);
  const oracle = new BruteForceOracle(options);
  const ruleIds = new Set<string>();
  for (let index = 0; index < operations.length; index++) {
    const operation = operations[index];
    const problem = applyBoth(engine, oracle, operation, ruleIds, coverage);
    if (problem) {
      return `operation #${index} ${JSON.stringify(operation)} (options ${JSON.stringify(options)}): ${problem}`;
    }
    coverage.operations++;
  }
  return null;
}

function applyBoth(
  engine: AlertEngine,
  oracle: BruteForceOracle,
  operation: Operation,
  ruleIds: Set<string>,
  coverage: Coverage,
): string | null {
  let actual: readonly Transition[] = [];
  let expected: ExpectedTransition[] = [];
  switch (operation.kind) {
    case 'setRule':
      ruleIds.add(operation.rule.id);
      engine.setRule(operation.rule, operation.since);
      oracle.setRule(operation.rule, operation.since);
      break;
    case 'deleteRule':
      engine.deleteRule(operation.ruleId);
      oracle.deleteRule(operation.ruleId);
      break;
    case 'clear':
      engine.clear();
      oracle.clear();
      break;
    case 'tick':
      actual = engine.tick(operation.wallNow);
      expected = oracle.tick(operation.wallNow);
      break;
    case 'offer': {
      const got = engine.offer(operation.event, operation.wallNow);
      const want = oracle.offer(operation.event, operation.wallNow);
      if (JSON.stringify(got.outcomes) !== JSON.stringify(want.outcomes)) {
        return `outcomes ${JSON.stringify(got.outcomes)}, expected ${JSON.stringify(want.outcomes)}`;
      }
      for (const { outcome } of want.outcomes) count(coverage.outcomes, outcome);
      actual = got.transitions;
      expected = want.transitions;
      break;
    }
  }
  const problem = compareTransitions(actual, expected);
  if (problem) return problem;
  for (const found of expected) {
    for (const key of coverageKeys(found)) count(coverage.transitions, key);
  }
  for (const ruleId of ruleIds) {
    const got = engine.firingKeys(ruleId).join(',');
    const want = oracle.firingKeys(ruleId).join(',');
    if (got !== want) return `firing keys of ${ruleId}: [${got}], expected [${want}]`;
  }
  return null;
}

function compareTransitions(
  actual: readonly Transition[],
  expected: ExpectedTransition[],
): string | null {
  const withoutIds = actual.map(({ eventIds: _ids, ...rest }) => rest);
  const got = JSON.stringify(withoutIds);
  const want = JSON.stringify(expected.map((e) => e.transition));
  if (got !== want) return `transitions\n  got      ${got}\n  expected ${want}`;
  for (let i = 0; i < actual.length; i++) {
    const problem = checkEventIds(actual[i], expected[i]);
    if (problem) return `transition ${JSON.stringify(actual[i])}: ${problem}`;
  }
  return null;
}

/** The reported ids: distinct events of the window, newest first, and the newest ones. */
function checkEventIds(actual: Transition, expected: ExpectedTransition): string | null {
  if (!actual.firing) return actual.eventIds.length === 0 ? null : 'a clear must carry no ids';
  const window = new Map(expected.windowEvents.map((event) => [event.id, event]));
  const wanted = Math.min(window.size, expected.idLimit);
  if (actual.eventIds.length !== wanted) {
    return `${actual.eventIds.length} ids, expected ${wanted} of ${window.size} window events`;
  }
  if (new Set(actual.eventIds).size !== actual.eventIds.length) return 'duplicate ids';
  let previous = Infinity;
  for (const id of actual.eventIds) {
    const event = window.get(id);
    if (!event) return `id ${id} is not in the window`;
    if (event.occurredAt > previous) return 'ids are not newest first';
    previous = event.occurredAt;
  }
  const chosen = new Set(actual.eventIds);
  const newerLeftOut = expected.windowEvents.find(
    (e) => !chosen.has(e.id) && e.occurredAt > previous,
  );
  return newerLeftOut ? `left out ${newerLeftOut.id}, newer than a reported id` : null;
}

function coverageKeys(found: ExpectedTransition): string[] {
  const { window, condition, groupBy, forSeconds = 0 } = found.rule;
  const change = `${found.transition.firing ? 'fire' : 'clear'} on ${found.transition.cause.kind}`;
  return [
    change,
    `${change}: ${window.kind} ${condition.aggregate} ${condition.operator}`,
    `${change}: groupBy ${groupBy.startsWith('payload.') ? 'payload' : groupBy}`,
    `${change}: forSeconds ${forSeconds === 0 ? 'none' : forSeconds < window.seconds ? 'shorter than' : forSeconds === window.seconds ? 'equal to' : 'longer than'} the window`,
  ];
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
