import { applyDecorators } from '@nestjs/common';
import { IsArray, IsString } from 'class-validator';
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
