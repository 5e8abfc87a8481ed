import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Access } from '../auth';
import { uuidParam } from '../common/uuid-param';
import {
  AcceptedEventsDto,
  EventDto,
  EventInputDto,
  EventPageDto,
  EventQueryDto,
  EventSourceQueryDto,
} from './events.dto';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiExtraModels(EventInputDto)
@Controller('api/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @Access('ingest')
  @ApiOperation({
    summary: 'Publish one event or an array of them to the events topic (all or nothing)',
  })
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(EventInputDto) },
        { type: 'array', items: { $ref: getSchemaPath(EventInputDto) }, maxItems: 500 },
      ],
    },
    examples: {
      one: { value: { type: 'payment.exception', source: 'client-42', severity: 'high' } },
    },
  })
  @ApiAcceptedResponse({ type: AcceptedEventsDto })
  @ApiBadRequestResponse({ description: 'each refused event with its index and reasons' })
  async publish(@Body() body: unknown): Promise<AcceptedEventsDto> {
    return { ids: await this.events.publish(body) };
  }

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'Stored events, newest first, filtered, by cursor' })
  @ApiOkResponse({ type: EventPageDto })
  list(@Query() query: EventQueryDto): Promise<EventPageDto> {
    return this.events.list(query);
  }

  @Get('source/:sourceId')
  @Access('read')
  @ApiOperation({ summary: "One source's stored events, newest first" })
  @ApiOkResponse({ type: EventPageDto })
  bySource(
    @Param('sourceId') sourceId: string,
    @Query() query: EventSourceQueryDto,
  ): Promise<EventPageDto> {
    return this.events.list({ ...query, source: sourceId });
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'One stored event' })
  @ApiOkResponse({ type: EventDto })
  get(@Param('id', uuidParam()) id: string): Promise<EventDto> {
    return this.events.get(id);
  }
}
