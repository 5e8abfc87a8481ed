import { ConsoleChannel } from '@app/contracts';
import { delivered } from '../attempt/attempt-result';
import { ChannelSender, prepared } from './channel-sender';

/**
 * One structured log line per notification. The channel list is left out: it holds webhook
 * URLs and recipient addresses, and logs are read far more widely than rules.
 */
export const sendToConsole: ChannelSender<ConsoleChannel> = ({ message }, { logger }) =>
  prepared({
    target: 'console',
    secrets: [],
    send: () => {
      const { incident } = message;
      logger.log(
        {
          msg: 'incident notification',
          kind: message.kind,
          at: message.at,
          actor: message.actor,
          incidentId: incident.id,
          ruleId: incident.ruleId,
          ruleName: incident.ruleName,
          groupKey: incident.groupKey,
          severity: incident.severity,
          status: incident.status,
          value: incident.value,
          condition: `${incident.aggregate} ${incident.operator} ${incident.threshold}`,
          window: `${incident.windowSeconds}s ${incident.windowKind}`,
          windowStart: incident.windowStart,
          windowEnd: incident.windowEnd,
          openedAt: incident.openedAt,
          acknowledgedBy: incident.acknowledgedBy,
          resolvedBy: incident.resolvedBy,
          triggerEvents: incident.eventIds.length,
        },
        'Notification',
      );
      return Promise.resolve(delivered(null));
    },
  });
