import type { PipeTransform } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Application, Response } from 'express';
import { EventsController } from '../events/events.controller';
import { LegacyEventController } from '../events/legacy-event.controller';
import { GLOBAL_FILTER, GLOBAL_GUARDS } from '../gateway.module';
import { directRoute, GlobalEnhancers } from './direct-route';

/**
 * `POST /api/events` and `POST /event` answered ahead of Nest's router (issue 19): the same
 * controller methods, guard instances, pipe and filter, at less CPU per request. Must be
 * registered after the body parsers and before Nest's routes (which it then shadows; Nest
 * still documents them in /docs).
 */
export function serveIngestDirectly(app: NestExpressApplication, pipe: PipeTransform): void {
  const adapter = app.getHttpAdapter();
  const enhancers: GlobalEnhancers = {
    guards: GLOBAL_GUARDS.map((guard) => app.get(guard)),
    pipe,
    filter: app.get(GLOBAL_FILTER),
    reply: (response: Response, body: unknown, statusCode: number) => {
      adapter.reply(response, body, statusCode);
    },
  };
  const express = adapter.getInstance() as Application;
  for (const route of [
    directRoute(app.get(EventsController), 'publish', enhancers),
    directRoute(app.get(LegacyEventController), 'publish', enhancers),
  ]) {
    express[route.method](route.path, route.handle);
  }
}
