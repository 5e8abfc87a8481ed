import { LoggerService } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { decodeEventMessage, EventIdDeriver } from '@app/contracts';
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
        decodeEventMessage(
          { ...message, topic: this.topic, partition },
          EVALUATION_LIMITS,
          this.eventIds,
        ),
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
}
