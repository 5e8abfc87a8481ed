import { applyDecorators } from '@nestjs/common';
import { IsString, MinLength, ValidateIf } from 'class-validator';
import { Env } from './env.decorator';

/**
 * The consumer groups of the product, as settings every service that names them reads alike:
 * the consumer and alerting run them, the gateway reports their lag (GET /api/status). One
 * definition each, so the gateway never looks at a group that no service runs.
 */
export const DEFAULT_CONSUMER_GROUP_ID = 'eventmon-consumer';
export const DEFAULT_ALERTING_GROUP_ID = 'eventmon-alerting';
export const DEFAULT_ALERTING_DISPATCH_GROUP_ID = 'eventmon-alerting-dispatch';

const RequiredGroupId = (): PropertyDecorator => applyDecorators(IsString(), MinLength(1));

/** `CONSUMER_GROUP_ID`: the consumer's group reading `events`. */
export const ConsumerGroupIdSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'CONSUMER_GROUP_ID',
      'Kafka consumer group reading events; replicas with the same id share partitions',
    ),
    RequiredGroupId(),
  );

/** `CONSUMER_NOTIFICATIONS_GROUP_ID`: empty means derived, see notificationsGroupIdOf. */
export const ConsumerNotificationsGroupIdSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'CONSUMER_NOTIFICATIONS_GROUP_ID',
      `Kafka consumer group reading notifications and notifications.deliveries; when unset, CONSUMER_GROUP_ID + "-notifications" (${DEFAULT_CONSUMER_GROUP_ID}-notifications)`,
    ),
    ValidateIf((_config: object, value: unknown) => value !== ''),
    RequiredGroupId(),
  );

/** `ALERTING_GROUP_ID`: alerting's evaluation group; its repartition group derives from it. */
export const AlertingGroupIdSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'ALERTING_GROUP_ID',
      'Consumer group evaluating events; replicas share partitions (and the keys on them). The repartition topic is read by the group <this>-repartition',
    ),
    RequiredGroupId(),
  );

/** `ALERTING_DISPATCH_GROUP_ID`: alerting's group delivering notifications. */
export const AlertingDispatchGroupIdSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'ALERTING_DISPATCH_GROUP_ID',
      'Consumer group delivering notifications; each lifecycle message is delivered by one replica',
    ),
    RequiredGroupId(),
  );

/**
 * The consumer's notifications group: the setting, or derived from its events group, so two
 * deployments that share a cluster with different group ids never end up in one group.
 */
export function notificationsGroupIdOf(consumerGroupId: string, setting: string): string {
  return setting || `${consumerGroupId}-notifications`;
}

/** The group alerting reads `alerting-repartition` with. */
export function repartitionGroupIdOf(alertingGroupId: string): string {
  return `${alertingGroupId}-repartition`;
}
