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

/**
 * `NOTIFY_ALLOWED_PORTS`: like the hosts, the sender and the gateway must agree on the ports
 * beyond 80 and 443 that channel URLs may use.
 */
export const NotifyAllowedPortsSetting = (): PropertyDecorator =>
  applyDecorators(
    Env(
      'NOTIFY_ALLOWED_PORTS',
      'Ports or ranges (8443, 9000-9100) that webhook-style channel URLs may use besides 80 and 443',
    ),
    CommaSeparated(),
    IsArray(),
    IsString({ each: true }),
  );
