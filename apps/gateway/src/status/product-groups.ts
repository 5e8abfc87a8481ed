import { notificationsGroupIdOf, repartitionGroupIdOf } from '@app/config';
import { Topic, topicName } from '@app/contracts';
import type { GatewayConfig } from '../gateway.config';

/** A consumer group the product runs, with the topics it reads. */
export interface ProductGroup {
  /** Which part of the product runs it. */
  service: string;
  groupId: string;
  topics: string[];
}

type GroupSettings = Pick<
  GatewayConfig,
  | 'kafkaTopicPrefix'
  | 'consumerGroupId'
  | 'consumerNotificationsGroupId'
  | 'alertingGroupId'
  | 'alertingDispatchGroupId'
>;

/**
 * Every consumer group the consumer and alerting run, named from the same settings and with
 * the same derivations they use (see libs/config consumer-groups.ts). The gateway's own
 * followers (dead letters, live stream) are per process and left out: they are not work.
 */
export function productGroups(settings: GroupSettings): ProductGroup[] {
  const topic = (t: Topic): string => topicName(t, settings.kafkaTopicPrefix);
  return [
    { service: 'consumer', groupId: settings.consumerGroupId, topics: [topic(Topic.Events)] },
    {
      service: 'consumer-notifications',
      groupId: notificationsGroupIdOf(
        settings.consumerGroupId,
        settings.consumerNotificationsGroupId,
      ),
      topics: [topic(Topic.Notifications), topic(Topic.NotificationDeliveries)],
    },
    { service: 'alerting', groupId: settings.alertingGroupId, topics: [topic(Topic.Events)] },
    {
      service: 'alerting-repartition',
      groupId: repartitionGroupIdOf(settings.alertingGroupId),
      topics: [topic(Topic.AlertingRepartition)],
    },
    {
      service: 'alerting-dispatch',
      groupId: settings.alertingDispatchGroupId,
      topics: [topic(Topic.Notifications)],
    },
  ];
}

/** The topics dead letters go to. */
export function deadLetterTopics(prefix: string): string[] {
  return [topicName(Topic.EventsDlq, prefix), topicName(Topic.NotificationsDlq, prefix)];
}
