import { KafkaMessage, Message } from 'kafkajs';
import { AlertRule } from '@app/contracts';
import { EngineEvent } from '@app/engine';

/** What one record gives the engine: an event, and for a forwarded match the one rule it is for. */
export interface RoutedEvent {
  event: EngineEvent;
  /** The rule the event is evaluated for alone; every matching rule when absent. */
  ruleId?: string;
}

/** Where the record that is forwarded came from, so its match can name its origin. */
export interface RecordOrigin {
  partition: number;
  message: KafkaMessage;
}

/**
 * What tells the two evaluations apart (TopicEvaluation does the rest): `events`, whose
 * replicas hold the windows of the rules grouping by source and forward the matches of the
 * others, and `alerting-repartition`, whose replicas hold the windows of those others.
 */
export interface EvaluationRoute {
  /** Names the consumer and the log lines. */
  readonly name: string;
  readonly topic: string;
  readonly groupId: string;
  /** The log line saying a rebuild is done (tests and operators wait for "windows ready" of events). */
  readyLine(rebuildMs: number, keys: number): string;
  /** Whether this evaluation's engine holds the rule's windows, given the partitions owned. */
  holds(rule: AlertRule, owned: readonly number[]): boolean;
  /** A new assignment: what was learnt from the records of the previous one is forgotten. */
  reset(owned: readonly number[]): void;
  /**
   * A rule changed (null: deleted). Returns true when the route must read the look-back again
   * for that rule although its engine does not hold it (it forwards the rule's matches).
   */
  ruleChanged(ruleId: string, rule: AlertRule | null): boolean;
  /** The rule starts over here: records it was offered before may be offered again. */
  ruleRestarted(ruleId: string): void;
  /** The event a record carries, or undefined when it is skipped (and counted). */
  decode(message: KafkaMessage, partition: number, replayed: boolean): RoutedEvent | undefined;
  /** The matches to forward for `event`, for the rules `forwards` accepts (none: nothing). */
  forward(
    event: EngineEvent,
    origin: RecordOrigin,
    forwards: (ruleId: string) => boolean,
  ): Message[];
  /** Sends forwarded matches; resolves once the broker has them all. */
  send(messages: Message[]): Promise<void>;
  /** A batch of this many records was evaluated (the route's own counter). */
  evaluated(records: number): void;
}
