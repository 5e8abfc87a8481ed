import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth';
import { LegacyEventDto } from './events.dto';
import { EventsService } from './events.service';

/** `POST /event`: the minimal legacy shape older producers send, answered as they expect. */
@ApiTags('events')
@Controller('event')
export class LegacyEventController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(200)
  @Access('ingest')
  @ApiOperation({ summary: 'Publish one event in the legacy shape {event_type, event_payload}' })
  @ApiOkResponse({ schema: { example: { status: 'success' } } })
  async publish(@Body() body: LegacyEventDto): Promise<{ status: 'success' }> {
    await this.events.publish({ event_type: body.event_type, event_payload: body.event_payload });
    return { status: 'success' };
  }
}
