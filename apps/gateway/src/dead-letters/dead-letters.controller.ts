import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, Principal } from '../auth';
import { DeadLetterDto, DeadLetterQueryDto, ReplayDto, ReplayedDto } from './dead-letters.dto';
import { DeadLettersService } from './dead-letters.service';

@ApiTags('dead letters')
@Controller('api/dlq')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'The newest dead-lettered events with their reasons (newest first)' })
  @ApiOkResponse({ type: [DeadLetterDto] })
  list(@Query() query: DeadLetterQueryDto): DeadLetterDto[] {
    return this.deadLetters.list(query.limit);
  }

  @Post('replay')
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({
    summary:
      'Publish chosen dead letters to events again, as they were or corrected (all or nothing)',
  })
  @ApiOkResponse({ type: ReplayedDto })
  replay(@Body() body: ReplayDto, @CurrentPrincipal() principal: Principal): Promise<ReplayedDto> {
    return this.deadLetters.replay(body, principal);
  }
}
