import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Incident } from '@app/contracts';
import { Access, CurrentPrincipal, Principal } from '../auth';
import { uuidParam } from '../common/uuid-param';
import { LiveIncidentsService, TooManyStreams } from '../live/live-incidents.service';
import { sseClient } from '../live/sse-client';
import {
  IncidentActionDto,
  IncidentDetailDto,
  IncidentDto,
  IncidentPageDto,
  IncidentQueryDto,
} from './incidents.dto';
import { IncidentsService } from './incidents.service';

@ApiTags('incidents')
@Controller('api/incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly live: LiveIncidentsService,
  ) {}

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'Incidents, newest first, filtered, by cursor' })
  @ApiOkResponse({ type: IncidentPageDto })
  list(@Query() query: IncidentQueryDto): Promise<IncidentPageDto> {
    return this.incidents.list(query);
  }

  @Get('stream')
  @Access('read')
  @ApiOperation({
    summary: 'Live incident lifecycle messages as Server-Sent Events',
    description:
      'One `event: incident.opened|incident.acknowledged|incident.resolved` with `data: <lifecycle message JSON>` per message, and a `: heartbeat` comment every 15 s. Send X-API-Key like everywhere else: read it with fetch() and a stream reader (EventSource cannot send headers).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'a stream that stays open',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: incident.opened\ndata: {"kind":"incident.opened","at":"2026-11-23T10:00:00.000Z","actor":"alerting","incident":{"id":"0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f","ruleId":"payment-exceptions","status":"open"}}\n\n',
      },
    },
  })
  stream(
    @Req() request: Request,
    @Res() response: Response,
    @CurrentPrincipal() principal: Principal,
  ): void {
    let remove: () => void;
    try {
      remove = this.live.add(sseClient(response), principal.id);
    } catch (error) {
      if (error instanceof TooManyStreams) {
        throw new HttpException(error.message, HttpStatus.TOO_MANY_REQUESTS);
      }
      throw error;
    }
    request.on('close', remove);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back to fill their buffers.
      'X-Accel-Buffering': 'no',
    });
    response.write(': connected\n\n');
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'One incident with its triggering events and delivery attempts' })
  @ApiOkResponse({ type: IncidentDetailDto })
  get(@Param('id', uuidParam()) id: string): Promise<IncidentDetailDto> {
    return this.incidents.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({
    summary:
      'Acknowledge (idempotent: an incident already acknowledged or resolved is returned as is)',
  })
  @ApiOkResponse({ type: IncidentDto })
  acknowledge(
    @Param('id', uuidParam()) id: string,
    @Body() body: IncidentActionDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Incident> {
    return this.incidents.act(id, 'acknowledge', principal, body.note);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({ summary: 'Resolve (idempotent: a resolved incident is returned as is)' })
  @ApiOkResponse({ type: IncidentDto })
  resolve(
    @Param('id', uuidParam()) id: string,
    @Body() body: IncidentActionDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Incident> {
    return this.incidents.act(id, 'resolve', principal, body.note);
  }
}
