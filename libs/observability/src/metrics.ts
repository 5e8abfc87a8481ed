import { Controller, Get, Header, Inject, Module, DynamicModule } from '@nestjs/common';
import { PublicRoute } from './public-route';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of the service's own prom-client registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@PublicRoute()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * A registry per service (not prom-client's global one), labelled with the service name,
 * with the process metrics (CPU, memory, event-loop lag, GC) Prometheus users expect.
 */
@Module({})
export class MetricsModule {
  static forRoot(service: string): DynamicModule {
    const registry = new Registry();
    registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: registry });
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_REGISTRY, useValue: registry }],
      exports: [METRICS_REGISTRY],
    };
  }
}
