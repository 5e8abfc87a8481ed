import type { PipeTransform } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { EventsController } from '../events/events.controller';
import { LegacyEventController } from '../events/legacy-event.controller';
import { GLOBAL_FILTER, GLOBAL_GUARDS } from '../gateway.module';
import { AheadOfExpressOptions, ExpressApplication, serveAheadOfExpress } from './ahead-of-express';
import { directRoute, GlobalEnhancers } from './direct-route';

/**
 * `POST /api/events`, `POST /event` and `GET /api/events` answered ahead of Nest's router
 * (issue 19): the same controller methods, guard instances, pipe and filter, at less CPU per
 * request. A plain JSON POST or a GET with no body is taken from the HTTP server before Express
 * (serveAheadOfExpress); any other (a gzipped or chunked body, say) meets the same routes in
 * Express, registered after the body parsers and before Nest's routes (which they then shadow;
 * Nest still documents them in /docs).
 */
export function serveDirectRoutes(
  app: NestExpressApplication,
  pipe: PipeTransform,
  ahead: Omit<AheadOfExpressOptions, 'express'>,
): void {
  const adapter = app.getHttpAdapter();
  const enhancers: GlobalEnhancers = {
    guards: GLOBAL_GUARDS.map((guard) => app.get(guard)),
    pipe,
    filter: app.get(GLOBAL_FILTER),
    reply: (response: Response, body: unknown, statusCode: number) => {
      const plain = body !== null && typeof body === 'object' && !isConditional(response.req);
      if (plain) replyJson(response, body, statusCode);
      else adapter.reply(response, body, statusCode);
    },
  };
  const express = adapter.getInstance() as ExpressApplication;
  const routes = [
    directRoute(app.get(EventsController), 'publish', enhancers),
    directRoute(app.get(LegacyEventController), 'publish', enhancers),
    directRoute(app.get(EventsController), 'list', enhancers),
  ];
  for (const route of routes) express[route.method](route.path, route.handle);
  serveAheadOfExpress(app.getHttpServer(), routes, { ...ahead, express });
}

/**
 * A request Express's res.json may answer 304 (its `req.fresh`, for a GET or HEAD): with
 * ETags off, `If-None-Match: *` still matches any answer. It goes through res.json itself.
 */
function isConditional(request: Request): boolean {
  const { headers } = request;
  return headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;
}

/**
 * The bytes and headers Express's res.json gives an object (no ETag: the gateway turns them
 * off; no JSON replacer or spacing set), without its content negotiation and header helpers:
 * most of what a one-event request costs after the event is accepted.
 */
function replyJson(response: Response, body: object, statusCode: number): void {
  const json = JSON.stringify(body);
  response.statusCode = statusCode;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', String(Buffer.byteLength(json)));
  response.end(json);
}
