import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-keys';

export const ACCESS_ROLE = 'eventmon:access-role';

/** Any valid key, whatever its role: for routes about the caller itself (GET /api/whoami). */
export const ANY_ROLE = 'any';
export type NeededAccess = Role | typeof ANY_ROLE;

/**
 * The role a route needs. Reads need `read`, publishing events `ingest`, every other change
 * `admin`. A gateway route without it is admin-only (the guard denies by default).
 */
export const Access = (role: NeededAccess): ClassDecorator & MethodDecorator =>
  SetMetadata(ACCESS_ROLE, role);
