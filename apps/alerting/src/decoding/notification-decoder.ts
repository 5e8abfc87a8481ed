import { LoggerService } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { decodeLifecycleMessage, LifecycleMessage } from '@app/contracts';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { decodeValidOrSkip } from './decode-or-skip';

/**
 * The lifecycle message a `notifications` record carries, or undefined when it is skipped:
 * counted (`invalid-notification`, `undecodable-notification`), and logged when decoding
 * throws. The consumer dead-letters such records; alerting has nothing to do with them.
 */
export function decodeNotificationOrSkip(
  message: KafkaMessage,
  partition: number,
  skipped: { metrics: AlertingMetrics; logger: LoggerService },
): LifecycleMessage | undefined {
  return decodeValidOrSkip(
    () => decodeLifecycleMessage(message.value),
    {
      metrics: skipped.metrics,
      logger: skipped.logger,
      reason: 'undecodable-notification',
      what: `notification at offset ${message.offset} (partition ${partition})`,
    },
    'invalid-notification',
  )?.value;
}
