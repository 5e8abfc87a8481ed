import { applyDecorators } from '@nestjs/common';
import { IsArray, IsString, MinLength } from 'class-validator';
import { MIN_EVENT_ID_SECRET_LENGTH } from '@app/contracts';
import { Env } from './env.decorator';
import { CommaSeparated } from './transforms';

/**
 * `NOTIFY_ALLOWED_HOSTS`: the alerting app (when it sends) and the gateway (when it accepts a
 * rule) must apply the same egress exceptions, so both read them from this one setting.
 */
export const NotifyAllowedHostsSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'NOTIFY_ALLOWED_HOSTS',
      'Hosts, IPs or CIDRs that webhook-style channels may reach even though they are loopback/private',
    ),
    CommaSeparated(),
    IsArray(),
    IsString({ each: true }),
  );

/**
 * `EVENT_ID_SECRET`: the consumer stores events published without an id under an id derived
 * with this key, and alerting names the same events in incidents, so both must hold the same
 * one. Required, with no default: a default known to everybody would make the ids predictable
 * again (see keyedEventIds). `npm start` and docker-compose.yml provide one.
 */
export const EventIdSecretSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'EVENT_ID_SECRET',
      'Required: key of the ids of events published without one (HMAC of topic/partition/offset); one value for consumer and alerting, kept stable',
    ),
    IsString(),
    MinLength(MIN_EVENT_ID_SECRET_LENGTH, {
      message: `EVENT_ID_SECRET must be set to a random secret of at least ${MIN_EVENT_ID_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 32\`), the same for the consumer and alerting; it keys the ids of events published without one`,
    }),
  );
