/**
 * Every Kafka topic the product uses. These names are part of the public contract with
 * external producers and with data already on disk: do NOT rename them. Add new ones instead.
 */
export enum Topic {
  Events = 'events',
  EventsDlq = 'events.dlq',
  AlertRules = 'alert-rules',
  Notifications = 'notifications',
  NotificationDeliveries = 'notifications.deliveries',
  NotificationsDlq = 'notifications.dlq',
  /**
   * Alerting's own: matches of rules that do not group by source, keyed by rule and group key,
   * so that one replica holds each such window (the repartition topic, as in Kafka Streams).
   */
  AlertingRepartition = 'alerting-repartition',
  /**
   * Alerting's own: each replica's latest status report (its rules file, the windows it holds
   * per rule), keyed by replica id; a tombstone when the replica stops. The gateway reads it.
   */
  AlertingStatus = 'alerting.status',
}

export interface TopicSpec {
  topic: Topic;
  /** Partition count when the topic is created; `events` and `alerting-repartition` are overridable. */
  partitions: number;
  /** Kafka topic-level configs, e.g. compaction for the rule table. */
  configs: Record<string, string>;
}

export const DEFAULT_TOPIC_SPECS: Readonly<Record<Topic, Omit<TopicSpec, 'topic'>>> = {
  [Topic.Events]: { partitions: 6, configs: {} },
  [Topic.EventsDlq]: { partitions: 1, configs: { 'retention.ms': String(14 * 24 * 3600 * 1000) } },
  // Compacted: the latest value per rule id is the rule; a tombstone deletes it.
  [Topic.AlertRules]: { partitions: 1, configs: { 'cleanup.policy': 'compact' } },
  [Topic.Notifications]: { partitions: 3, configs: {} },
  [Topic.NotificationDeliveries]: { partitions: 3, configs: {} },
  [Topic.NotificationsDlq]: { partitions: 1, configs: {} },
  // Overridable (ALERTING_REPARTITION_PARTITIONS): its partitions spread those windows.
  [Topic.AlertingRepartition]: { partitions: 6, configs: {} },
  // Compacted: the latest report per replica. Reports come every few seconds, so segments
  // roll every 10 minutes: compaction only cleans closed segments, and a reader starting
  // from the beginning would otherwise read up to a week of superseded reports. And deleted
  // after a day: a replica that was killed wrote no tombstone, and its last report would stay
  // forever; a live one reports again every few seconds.
  [Topic.AlertingStatus]: {
    partitions: 1,
    configs: {
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(24 * 3600 * 1000),
      'segment.ms': String(10 * 60 * 1000),
    },
  },
};

/**
 * Resolves a topic to the name used on the broker. The optional prefix lets several
 * deployments (or test runs) share one cluster without seeing each other's data.
 */
export function topicName(topic: Topic, prefix = ''): string {
  return `${prefix}${topic}`;
}
