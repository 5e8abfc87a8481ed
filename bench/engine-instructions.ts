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
 * Then alerting's order: fresh passes that decode each message (decodeEventMessage,
 * toEngineEvent) and offer the event at once, against passes that only decode. Their difference
 * is the engine's share when the decoder has just read the event (its id included).
 *
 *   --keys K     active (rule, source) keys (default 20,000)
 *   --events N   events a pass (default 200,000): 10 a key, as in bench:alerting's engine part,
 *                whose 100,000 keys would take about ten minutes under valgrind
 *
 * Needs valgrind (Debian: apt-get install valgrind). Runs two children at a time.
 */
import { execFile } from 'node:child_process';
import { AlertEngine } from '@app/engine';
import { engineOf, referencePass, ReferenceState, shift } from './alerting-engine';
import { backgroundMessage, benchRules, decodeForEngine, decodedEvent } from './alerting-workload';
import { instructionsIn } from './cachegrind-summary';
import { fmt, numberOption, say, stringOption } from './support';

const KEYS = numberOption('--keys', 20_000);
const EVENTS = numberOption('--events', 200_000);
const SPAN_MS = 60_000;

/**
 * `decoder`: alerting's steps from a message to the event it offers (decodeEventMessage,
 * toEngineEvent); `decoder+engine`: the same, each event offered as soon as it is decoded, as
 * alerting does. Their difference is what the engine costs in the service's order, where the
 * decoder has just read the event's id. These two count fresh passes only.
 */
type Subject = 'engine' | 'reference' | 'decoder' | 'decoder+engine';

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
 * The subject as passes over the same traffic: `start` makes a new one (a new engine, or empty
 * maps), which the passes after it use; `later` moves the traffic one window on.
 */
interface Passes {
  start(): void;
  pass(): void;
  later(): void;
}

function passesOf(subject: Subject, base: number): Passes {
  const timeOf = (i: number) => base + Math.floor((i * SPAN_MS) / EVENTS);
  if (subject === 'decoder' || subject === 'decoder+engine') {
    const messages = Array.from({ length: EVENTS }, (_, i) =>
      backgroundMessage(i, timeOf(i), KEYS),
    );
    const offers = subject === 'decoder+engine';
    let engine: AlertEngine | undefined;
    return {
      start: () => (engine = offers ? engineOf(benchRules()) : undefined),
      pass: () => {
        for (const message of messages) {
          const event = decodeForEngine(message);
          if (offers) engine!.offer(event, event.occurredAt);
        }
      },
      later: () => {
        throw new Error(`${subject}: fresh passes only`);
      },
    };
  }
  const events = Array.from({ length: EVENTS }, (_, i) => decodedEvent(i, timeOf(i), KEYS));
  const later = () => shift(events, SPAN_MS);
  if (subject === 'reference') {
    let state: ReferenceState | undefined;
    return { start: () => (state = new Map()), pass: () => referencePass(events, state!), later };
  }
  let engine: AlertEngine | undefined;
  return {
    start: () => (engine = engineOf(benchRules())),
    pass: () => {
      for (const event of events) engine!.offer(event, event.occurredAt);
    },
    later,
  };
}

function runChild(plan: ChildPlan): void {
  const subject = passesOf(plan.subject, Math.floor(Date.now() / SPAN_MS) * SPAN_MS);
  if (plan.warmUp) {
    subject.start();
    subject.pass();
  }
  for (let pass = 0; pass < plan.freshPasses; pass++) {
    subject.start();
    subject.pass();
  }
  for (let pass = 0; pass < plan.steadyPasses; pass++) {
    // The same traffic one window later: the keys exist, their windows move on.
    subject.later();
    subject.pass();
  }
  for (let moved = 0; moved < plan.shiftsOnly; moved++) subject.later();
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

const steadyPlan = (subject: Subject, steadyPasses: number, shiftsOnly: number): ChildPlan => ({
  subject,
  warmUp: false,
  freshPasses: 1,
  steadyPasses,
  shiftsOnly,
});

const freshPlan = (subject: Subject, freshPasses: number): ChildPlan => ({
  subject,
  warmUp: true,
  freshPasses,
  steadyPasses: 0,
  shiftsOnly: 0,
});

/** Instructions an event of `subject`'s fresh passes: `counted` more of them, against one. */
const freshPerEvent = (subject: Subject, counted: number) =>
  perEvent(freshPlan(subject, 1 + counted), freshPlan(subject, 1), counted);

async function main(): Promise<void> {
  say(`engine instructions: ${fmt(EVENTS)} events over ${fmt(KEYS)} keys and 100 rules (valgrind)`);
  const figures = {
    engine: { steady: NaN, fresh: NaN },
    reference: { steady: NaN, fresh: NaN },
  };
  for (const subject of ['reference', 'engine'] as const) {
    // The reference's few hundred instructions an event weigh less than a GC that falls into one
    // child and not the other: it gets more passes, which cost little.
    const more = subject === 'reference' ? 8 : 1;
    const counted = 4 * more;
    figures[subject].steady = await perEvent(
      steadyPlan(subject, 1 + counted, 0),
      steadyPlan(subject, 1, counted),
      counted,
    );
    figures[subject].fresh = await freshPerEvent(subject, 2 * more);
  }
  const decoder = await freshPerEvent('decoder', 2);
  const decoderAndEngine = await freshPerEvent('decoder+engine', 2);
  const { engine, reference } = figures;
  say(`engine, fresh (keys created)           ${fmt(engine.fresh)} instructions/event`);
  say(`raw reference, fresh                   ${fmt(reference.fresh)} instructions/event`);
  say(`engine / reference, fresh              ${(engine.fresh / reference.fresh).toFixed(2)}`);
  say(`engine, steady state (keys exist)      ${fmt(engine.steady)} instructions/event`);
  say(`raw reference, steady state            ${fmt(reference.steady)} instructions/event`);
  say(`engine / reference, steady state       ${(engine.steady / reference.steady).toFixed(2)}`);
  say(`alerting's decoder, fresh              ${fmt(decoder)} instructions/event`);
  say(`decoder, then engine, fresh            ${fmt(decoderAndEngine)} instructions/event`);
  say(
    `engine after the decoder, fresh        ${fmt(decoderAndEngine - decoder)} instructions/event   (the engine's share in alerting's order)`,
  );
}

const child = stringOption('--child', '');
if (child) runChild(JSON.parse(child) as ChildPlan);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
