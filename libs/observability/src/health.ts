import { Controller, Get, Inject } from '@nestjs/common';
import { PublicRoute } from './public-route';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
} from '@nestjs/terminus';
import { SharedCheck } from './shared-check';

/** Injection token: the health checks of this service's real dependencies. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

/**
 * How long one round of dependency checks answers every readiness call. Probes are cheap
 * to answer this way however often they come, and a dependency that goes down shows within
 * this much of a second.
 */
export const READINESS_CACHE_MS = 1500;

/**
 * Liveness and readiness, as orchestrators expect them:
 * - `GET /health/live`: 200 while the process answers HTTP (its event loop turns); no
 *   dependency I/O, so an outage of Kafka or PostgreSQL never gets a healthy process killed.
 * - `GET /health/ready` (and `GET /health`, kept for existing probes): 200 when every
 *   dependency answers and no consumer is stalled, 503 with details when one is not. The
 *   checks run at most once per READINESS_CACHE_MS whoever asks.
 */
@PublicRoute()
@Controller('health')
export class HealthController {
  private readonly readiness: SharedCheck<HealthCheckResult>;

  constructor(
    health: HealthCheckService,
    @Inject(HEALTH_CHECKS) checks: HealthIndicatorFunction[],
  ) {
    this.readiness = new SharedCheck(() => health.check(checks), READINESS_CACHE_MS);
  }

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.readiness.get();
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.readiness.get();
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
