import { Controller, Get, Inject } from '@nestjs/common';
import { PublicRoute } from './public-route';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';

/** Injection token: the health checks of this service's real dependencies. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/** `GET /health`: 200 when every dependency answers, 503 with details when one does not. */
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(HEALTH_CHECKS) private readonly checks: HealthIndicatorFunction[],
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check(this.checks);
  }
}
