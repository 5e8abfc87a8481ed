import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth';
import { StatusDto } from './status.dto';
import { StatusService } from './status.service';

@ApiTags('status')
@Controller('api/status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @Access('read')
  @ApiOperation({
    summary:
      'One summary for operators: dependencies, consumer lag per group, rules, open incidents, dead letters of the last hour (cached 2 s)',
  })
  @ApiOkResponse({ type: StatusDto })
  get(): Promise<StatusDto> {
    return this.status.get();
  }
}
