import { LoggerService } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import type { EventIdDeriver, RawEventMessage } from '@app/contracts';
// From its own file, not the contracts' index: the index's exports object is a dictionary of
// getters to V8, so a call through it per message was a lookup (343-461 instructions of a
// message's 18,000; docs/benchmarks.md).
import { decodeEventMessage } from '@app/contracts/event-decoder';
import { EngineEvent } from '@app/engine';
import { toEngineEvent } from '../evaluation/engine-event';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { decodeValidOrSkip } from './decode-or-skip';

/**
 * Size limits are the consumer's to enforce (it dead-letters oversized events); alerting
 * evaluates whatever the consumer could have accepted, so its own limits are generous.
 */
const EVALUATION_LIMITS = { maxMessageBytes: 16 * 1024 * 1024, maxPayloadBytes: 16 * 1024 * 1024 };

/**
 * `events` messages as the engine evaluates them. What is invalid or does not decode is
 * skipped and counted (`eventmon_alerting_events_skipped_total`): the consumer dead-letters it.
 */
export class EventDecoder {
  constructor(
    private readonly topic: string,
    /** The consumer's derivation: incidents must name id-less events by their stored ids. */
    private readonly eventIds: EventIdDeriver,
    private readonly metrics: AlertingMetrics,
    private readonly logger: LoggerService,
  ) {}

  decode(message: KafkaMessage, partition: number): EngineEvent | undefined {
    const decoded = decodeValidOrSkip(
      () =>
        decodeEventMessage(this.rawMessage(message, partition), EVALUATION_LIMITS, this.eventIds),
      {
        metrics: this.metrics,
        logger: this.logger,
        reason: 'undecodable',
        what: `event at offset ${message.offset} (partition ${partition})`,
      },
      'invalid',
    );
    if (!decoded) return undefined;
    return toEngineEvent(decoded.event);
  }

  /**
   * The fields decoding reads, named one by one. Not `{ ...message, topic, partition }`: in
   * Node 20's V8 a spread followed by more properties gives every copy a hidden class of its
   * own (about 3 µs and 1 KB per event), and hidden classes live in the old generation, so
   * 10,000 events/s filled it with ~7 MB/s of garbage and brought a major GC every 20-30 s
   * (docs/benchmarks.md, "Where the publish-to-incident tail goes").
   */
  private rawMessage(message: KafkaMessage, partition: number): RawEventMessage {
    return {
      topic: this.topic,
      partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      timestamp: message.timestamp,
    };
  }
}
