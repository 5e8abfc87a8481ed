import { AGGREGATES, OPERATORS, WINDOW_KINDS } from '@app/contracts';
import { compareWithOracle, emptyCoverage } from './testing/oracle-comparison';

// ORACLE_SEED=<n> replays one stream; ORACLE_STREAMS=<n> runs more (or fewer) of them.
const STREAMS = Number(process.env.ORACLE_STREAMS ?? 3000);
const SEEDS = process.env.ORACLE_SEED
  ? [Number(process.env.ORACLE_SEED)]
  : Array.from({ length: STREAMS }, (_, i) => i + 1);

describe('AlertEngine against a brute-force oracle', () => {
  const coverage = emptyCoverage();

  it(`agrees on every transition, outcome and firing key over ${SEEDS.length} random streams`, () => {
    for (const seed of SEEDS) {
      const mismatch = compareWithOracle(seed, coverage);
      if (mismatch) throw new Error(`seed ${seed} (replay: ORACLE_SEED=${seed}): ${mismatch}`);
    }
    expect(coverage.operations).toBeGreaterThan(SEEDS.length * 40);
  });

  it('exercised every window kind, aggregate and operator, firing and clearing, every outcome', () => {
    if (process.env.ORACLE_SEED) return;
    const missing: string[] = [];
    for (const kind of WINDOW_KINDS) {
      for (const aggregate of AGGREGATES) {
        for (const operator of OPERATORS) {
          const key = `fire on event: ${kind} ${aggregate} ${operator}`;
          if (!coverage.transitions.get(key)) missing.push(key);
        }
      }
    }
    for (const change of ['fire on event', 'fire on tick', 'clear on event', 'clear on tick']) {
      for (const groupBy of ['source', 'none', 'payload']) {
        const key = `${change}: groupBy ${groupBy}`;
        if (!coverage.transitions.get(key)) missing.push(key);
      }
    }
    for (const change of ['fire on event', 'fire on tick', 'clear on event', 'clear on tick']) {
      for (const span of ['none', 'shorter than', 'longer than']) {
        const key = `${change}: forSeconds ${span} the window`;
        if (!coverage.transitions.get(key)) missing.push(key);
      }
    }
    for (const outcome of ['applied', 'late', 'future']) {
      if (!coverage.outcomes.get(outcome)) missing.push(outcome);
    }
    expect(missing).toEqual([]);
  });
});
