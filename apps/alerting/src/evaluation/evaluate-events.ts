import { KafkaMessage } from 'kafkajs';
import { AlertEngine, EngineEvent, EventOutcome, Transition } from '@app/engine';
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
  decode(message: KafkaMessage): EngineEvent | undefined;
  outcome(ruleId: string, outcome: EventOutcome): void;
}

export interface BatchEvaluation {
  /** The transitions to turn into lifecycle messages: a replay's repeats are left out. */
  transitions: Transition[];
  /** Events evaluated below the partition's resume offset (replayed). */
  replayed: number;
}

/**
 * Offers a batch's events to the engine. A replay is silent for what was published before:
 * below the offset the group had committed, rule versions that were known then decided the
 * same transitions already. Rules catching up are new versions, so what they decide counts.
 */
export function evaluateEvents(
  messages: readonly KafkaMessage[],
  partition: PartitionEvaluation,
): BatchEvaluation {
  const { engine, now, resumeAt, silence } = partition;
  const transitions: Transition[] = [];
  let replayed = 0;
  for (const message of messages) {
    const offset = BigInt(message.offset);
    const onlyRules = partition.rulesFor(offset);
    if (onlyRules?.size === 0) continue;
    const event = partition.decode(message);
    if (!event) continue;
    const result = engine.offer(event, now, onlyRules ?? undefined);
    for (const { ruleId, outcome } of result.outcomes) partition.outcome(ruleId, outcome);
    if (resumeAt !== undefined && offset < resumeAt) replayed++;
    const evaluatedBefore = onlyRules === null && silence !== undefined && offset < silence.below;
    for (const transition of result.transitions) {
      if (evaluatedBefore && partition.versionOf(transition.ruleId) <= silence.knownRules) continue;
      transitions.push(transition);
    }
  }
  return { transitions, replayed };
}
