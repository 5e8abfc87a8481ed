import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth';
import { LiveHostMetricsDto, LiveHostMetricsQueryDto } from './host-metrics.dto';
import { liveHosts } from './live-host-readings';
import { LiveHostMetricsRepository } from './live-host-metrics.repository';

@ApiTags('metrics')
@Controller('api/metrics')
export class HostMetricsController {
  constructor(private readonly repository: LiveHostMetricsRepository) {}

  @Get('live')
  @Access('read')
  @ApiOperation({
    summary: 'The newest CPU, memory, disk and load reading of every host',
    description:
      'From the stored host metric events of the last `within` seconds (default 300, at most 86,400); hosts with no reading in that time are left out.',
  })
  @ApiOkResponse({ type: LiveHostMetricsDto })
  async live(@Query() query: LiveHostMetricsQueryDto): Promise<LiveHostMetricsDto> {
    const now = new Date();
    const rows = await this.repository.latest(now, query.within);
    return { hosts: liveHosts(rows), within: query.within, generatedAt: now.toISOString() };
  }
}
