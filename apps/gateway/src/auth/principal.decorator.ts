import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from './api-keys';
import type { AuthenticatedRequest } from './api-key.guard';

/** The caller the ApiKeyGuard authenticated: who the audit log names. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal!,
);
