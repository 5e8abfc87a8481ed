/**
 * `npm run bench:engine-instructions`: machine instructions per event of the window engine and of
 * the raw reference (bench:alerting's), counted by valgrind. A count does not depend on how busy
 * the shared machine is: where two bench:alerting runs of one build differ by up to 25% in
 * events/s, these counts repeat to within about 1%, so they can tell a 3% change of the engine
 * apart (docs/benchmarks.md). They count work, not time: a cache miss costs no instruction.
 *
 * Each figure is the difference between two child runs that differ only in the passes to count,
 * so start-up, making the events and compiling cancel out; several passes apiece, because a GC
 * or a recompilation falls into one run and not the other:
 *
 *   steady  (fresh + 5 steady passes) - (fresh + 1 steady pass + 4 shifts), over 4 x events:
 *           before each steady pass the events move one window later, then a full GC runs;
 *           the shorter child moves (and collects) as often, so only the passes differ
 *   fresh   (a warm-up pass + 3 new engines' fresh passes) - (warm-up + 1), over 2 x events: a
 *           key created for the first event of each source, the code already optimised
 *
 * The reference makes eight times as many passes (33 against 1, 17 against 1).
 *
 *   --keys K     active (rule, source) keys (default 20,000)
 *   --events N   events a pass (default 200,000): 10 a key, as in bench:alerting's engine part,
 *                whose 100,000 keys would take about ten minutes under valgrind
 *
 * Needs valgrind (Debian: apt-get install valgrind). Runs two children at a time.
 */
import { execFile } from 'node:child_process';
import { AlertEngine, EngineEvent } from '@app/engine';
import { engineOf, referencePass, ReferenceState, shift } from './alerting-engine';
import { benchRules, decodedEvent } from './alerting-workload';
import { instructionsIn } from './cachegrind-summary';
import { fmt, numberOption, say, stringOption } from './support';

const KEYS = numberOption('--keys', 20_000);
const EVENTS = numberOption('--events', 200_000);
const SPAN_MS = 60_000;

type Subject = 'engine' | 'reference';

/** What one child run does: a warm-up pass, fresh passes (a new engine each), steady passes. */
interface ChildPlan {
  subject: Subject;
  warmUp: boolean;
  freshPasses: number;
  steadyPasses: number;
  /** Moves of the events (each with its full GC) without a pass, after the steady passes. */
  shiftsOnly: number;
}

/**
 * The engine or the reference, as passes over the same events: `start` makes a new one (a new
 * engine, or empty maps), which the passes after it use.
 */
function passesOf(subject: Subject): { start(): void; pass(events: EngineEvent[]): void } {
  if (subject === 'reference') {
    let state: ReferenceState | undefined;
    return { start: () => (state = new Map()), pass: (events) => referencePass(events, state!) };
  }
  let engine: AlertEngine | undefined;
  return {
    start: () => (engine = engineOf(benchRules())),
    pass: (events) => {
      for (const event of events) engine!.offer(event, event.occurredAt);
    },
  };
}

function runChild(plan: ChildPlan): void {
  const base = Math.floor(Date.now() / SPAN_MS) * SPAN_MS;
  const events = Array.from({ length: EVENTS }, (_, i) =>
    decodedEvent(i, base + Math.floor((i * SPAN_MS) / EVENTS), KEYS),
  );
  const subject = passesOf(plan.subject);
  if (plan.warmUp) {
    subject.start();
    subject.pass(events);
  }
  for (let pass = 0; pass < plan.freshPasses; pass++) {
    subject.start();
    subject.pass(events);
  }
  for (let pass = 0; pass < plan.steadyPasses; pass++) {
    // The same traffic one window later: the keys exist, their windows move on.
    shift(events, SPAN_MS);
    subject.pass(events);
  }
  for (let moved = 0; moved < plan.shiftsOnly; moved++) shift(events, SPAN_MS);
}

/** Instructions valgrind counted for one child run. */
function countInstructions(plan: ChildPlan): Promise<number> {
  const args = [
    '--tool=cachegrind',
    '--cache-sim=no',
    '--cachegrind-out-file=/dev/null',
    process.execPath,
    // One thread: concurrent compiling and GC would be counted in another order each run.
    '--single-threaded',
    // shift() collects after moving the events.
    '--expose-gc',
    __filename,
    '--child',
    JSON.stringify(plan),
    '--keys',
    String(KEYS),
    '--events',
    String(EVENTS),
  ];
  return new Promise((resolve, reject) => {
    execFile('valgrind', args, { maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      const counted = instructionsIn(stderr);
      if (error || counted === undefined) {
        reject(
          new Error(`valgrind ${plan.subject} failed: ${error?.message ?? stderr.slice(-500)}`),
        );
        return;
      }
      resolve(counted);
    });
  });
}

/** Counted instructions of `more` beyond `less`, per event of the passes between them. */
async function perEvent(more: ChildPlan, less: ChildPlan, passes: number): Promise<number> {
  const [a, b] = await Promise.all([countInstructions(more), countInstructions(less)]);
  return (a - b) / (passes * EVENTS);
}

async function main(): Promise<void> {
  say(`engine instructions: ${fmt(EVENTS)} events over ${fmt(KEYS)} keys and 100 rules (valgrind)`);
  const figures: Record<Subject, { steady: number; fresh: number }> = {
    engine: { steady: NaN, fresh: NaN },
    reference: { steady: NaN, fresh: NaN },
  };
  for (const subject of ['reference', 'engine'] as const) {
    const steady = (steadyPasses: number, shiftsOnly: number): ChildPlan => ({
      subject,
      warmUp: false,
      freshPasses: 1,
      steadyPasses,
      shiftsOnly,
    });
    const fresh = (freshPasses: number): ChildPlan => ({
      subject,
      warmUp: true,
      freshPasses,
      steadyPasses: 0,
      shiftsOnly: 0,
    });
    // The reference's few hundred instructions an event weigh less than a GC that falls into one
    // child and not the other: it gets more passes, which cost little.
    const more = subject === 'reference' ? 8 : 1;
    const counted = 4 * more;
    figures[subject].steady = await perEvent(steady(1 + counted, 0), steady(1, counted), counted);
    figures[subject].fresh = await perEvent(fresh(1 + 2 * more), fresh(1), 2 * more);
  }
  const { engine, reference } = figures;
  say(`engine, fresh (keys created)           ${fmt(engine.fresh)} instructions/event`);
  say(`raw reference, fresh                   ${fmt(reference.fresh)} instructions/event`);
  say(`engine / reference, fresh              ${(engine.fresh / reference.fresh).toFixed(2)}`);
  say(`engine, steady state (keys exist)      ${fmt(engine.steady)} instructions/event`);
  say(`raw reference, steady state            ${fmt(reference.steady)} instructions/event`);
  say(`engine / reference, steady state       ${(engine.steady / reference.steady).toFixed(2)}`);
}

const child = stringOption('--child', '');
if (child) runChild(JSON.parse(child) as ChildPlan);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
