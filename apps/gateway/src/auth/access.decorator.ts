import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-keys';

export const ACCESS_ROLE = 'eventmon:access-role';

/**
 * The role a route needs. Reads need `read`, publishing events `ingest`, every other change
 * `admin`. A gateway route without it is admin-only (the guard denies by default).
 */
export const Access = (role: Role): ClassDecorator & MethodDecorator =>
  SetMetadata(ACCESS_ROLE, role);
