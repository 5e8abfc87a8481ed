import { Module } from '@nestjs/common';
import { HostMetricsController } from './host-metrics.controller';
import { LiveHostMetricsRepository } from './live-host-metrics.repository';

@Module({
  controllers: [HostMetricsController],
  providers: [LiveHostMetricsRepository],
})
export class HostMetricsModule {}
