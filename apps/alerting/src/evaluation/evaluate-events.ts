import { KafkaMessage, Message } from 'kafkajs';
import { AlertEngine, EngineEvent, EventOutcome, Transition } from '@app/engine';
import { RoutedEvent } from './evaluation-route';
import { ReplaySilence } from './replay-progress';

/** What evaluating one batch of a partition needs to know about that partition. */
export interface PartitionEvaluation {
  engine: Pick<AlertEngine, 'offer'>;
  now: number;
  /** The catching-up rules that alone evaluate an offset, or null for every rule (CatchUpRegions). */
  rulesFor(offset: bigint): ReadonlySet<string> | null;
  /** While the partition replays its look-back: where normal evaluation resumes (ReplayProgress). */
  resumeAt: bigint | undefined;
  silence: ReplaySilence | undefined;
  versionOf(ruleId: string): number;
  /** The event a message carries, or undefined when it is skipped (the decoder counts it). */
  decode(message: KafkaMessage, replayed: boolean): RoutedEvent | undefined;
  /** The matches of `event` to forward, for the rules `forwards` accepts. */
  forward?(
    event: EngineEvent,
    message: KafkaMessage,
    forwards: (ruleId: string) => boolean,
  ): Message[];
  outcome(ruleId: string, outcome: EventOutcome): void;
}

export interface BatchEvaluation {
  /** The transitions to turn into lifecycle messages: a replay's repeats are left out. */
  transitions: Transition[];
  /** Matches to forward to the replicas holding their windows: a replay's repeats are left out. */
  forwards: Message[];
  /** Events evaluated below the partition's resume offset (replayed). */
  replayed: number;
}

/**
 * Offers a batch's events to the engine. A replay is silent for what was published before:
 * below the offset the group had committed, rule versions that were known then decided the
 * same transitions already, and forwarded the same matches. Rules catching up are new
 * versions, so what they decide (and forward) counts.
 */
export function evaluateEvents(
  messages: readonly KafkaMessage[],
  partition: PartitionEvaluation,
): BatchEvaluation {
  const { engine, now, resumeAt, silence } = partition;
  const transitions: Transition[] = [];
  const forwards: Message[] = [];
  let replayed = 0;
  for (const message of messages) {
    const offset = BigInt(message.offset);
    const catchingUp = partition.rulesFor(offset);
    if (catchingUp?.size === 0) continue;
    const isReplayed = resumeAt !== undefined && offset < resumeAt;
    const routed = partition.decode(message, isReplayed);
    if (!routed) continue;
    const onlyRules = rulesToEvaluate(catchingUp, routed.ruleId);
    if (onlyRules?.size === 0) continue;
    const result = engine.offer(routed.event, now, onlyRules ?? undefined);
    for (const { ruleId, outcome } of result.outcomes) partition.outcome(ruleId, outcome);
    if (isReplayed) replayed++;
    // Below the commit, rule versions up to knownRules decided (and forwarded) this before.
    const evaluatedBefore = catchingUp === null && silence !== undefined && offset < silence.below;
    const knownRules = evaluatedBefore ? silence.knownRules : -Infinity;
    const isNew = (ruleId: string) => partition.versionOf(ruleId) > knownRules;
    for (const transition of result.transitions) {
      if (isNew(transition.ruleId)) transitions.push(transition);
    }
    if (partition.forward) {
      const forwarded = (ruleId: string) => (catchingUp?.has(ruleId) ?? true) && isNew(ruleId);
      forwards.push(...partition.forward(routed.event, message, forwarded));
    }
  }
  return { transitions, forwards, replayed };
}

/** The rules an event is offered to: those catching up, narrowed to a forwarded match's rule. */
function rulesToEvaluate(
  catchingUp: ReadonlySet<string> | null,
  ruleId: string | undefined,
): ReadonlySet<string> | null {
  if (ruleId === undefined) return catchingUp;
  if (catchingUp && !catchingUp.has(ruleId)) return EMPTY;
  return new Set([ruleId]);
}

const EMPTY: ReadonlySet<string> = new Set();
