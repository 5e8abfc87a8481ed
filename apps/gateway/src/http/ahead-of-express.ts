import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { Application, ErrorRequestHandler, Request, Response } from 'express';
import type { DirectRoute } from './direct-route';
import { isPlainJsonRequest, readJsonBody } from './json-body-reader';
import type { RequestMetrics } from './request-metrics';

/** An Express application, with the prototypes its app.handle gives requests and responses. */
export type ExpressApplication = Application & { request: object; response: object };

/** What the gateway's Express middleware chain does before a direct route, done here instead. */
export interface AheadOfExpressOptions {
  /** The Express application the server answers with: its request and response prototypes. */
  express: ExpressApplication;
  metrics: RequestMetrics;
  /** The fixed security headers every response carries. */
  setHeaders: (res: ServerResponse) => void;
  bodyLimitBytes: number;
  maxBodyDepth: number;
  /** Answers a refused body (bodyErrorHandler). */
  bodyErrors: ErrorRequestHandler;
}

/**
 * Answers the direct routes from the HTTP server's own request event, before Express: the
 * same steps as the middleware chain (metrics, security headers, JSON body, its errors), in the
 * same order, without Express's router walking a dozen layers for each request. Only a request
 * whose method and path are exactly a route's is taken: a POST with a plain JSON body
 * (isPlainJsonRequest), a GET with no body (its query string is Express's `req.query`, parsed
 * by Express's own parser). Every other request, including a JSON body gzipped or in chunks, a
 * path with a trailing slash or a HEAD, goes to Express as before, where the same routes are
 * registered too.
 */
export function serveAheadOfExpress(
  server: Server,
  routes: readonly DirectRoute[],
  options: AheadOfExpressOptions,
): void {
  const byMethodAndPath = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  const expressListeners = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  if (expressListeners.length !== 1) {
    throw new Error(
      `expected Express as the one request listener, found ${expressListeners.length}`,
    );
  }
  const [expressListener] = expressListeners;
  const logger = new Logger('AheadOfExpress');
  server.removeListener('request', expressListener);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = directRouteOf(req, byMethodAndPath, options.bodyLimitBytes);
    if (route) {
      serveDirectly(route, req, res, options).catch((error: unknown) => {
        // Even the 500 could not be written: never an unhandled rejection (it would stop the
        // process), and never a client left waiting.
        logger.error(
          `answering ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`,
        );
        res.destroy();
      });
    } else {
      expressListener.call(server, req, res);
    }
  });
}

/** The route that takes `req` directly (see serveAheadOfExpress), if any. */
function directRouteOf(
  req: IncomingMessage,
  byMethodAndPath: ReadonlyMap<string, DirectRoute>,
  bodyLimitBytes: number,
): DirectRoute | undefined {
  const url = req.url ?? '';
  if (req.method === 'POST') {
    const route = byMethodAndPath.get(`post ${url}`);
    return route && isPlainJsonRequest(req, bodyLimitBytes) ? route : undefined;
  }
  if (req.method === 'GET') {
    const queryAt = url.indexOf('?');
    const route = byMethodAndPath.get(`get ${queryAt < 0 ? url : url.slice(0, queryAt)}`);
    return route && hasNoBody(req) ? route : undefined;
  }
  return undefined;
}

/**
 * A request that declares no body, which Express's body parsers leave as it is. An empty body
 * with a content type or encoding is not one: body-parser still checks its charset and
 * encoding (a 415 or 400 for a GET with `Content-Length: 0` and `charset=latin1`, say).
 */
function hasNoBody(req: IncomingMessage): boolean {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  if (length === undefined) return true;
  return (
    length === '0' &&
    headers['content-type'] === undefined &&
    headers['content-encoding'] === undefined
  );
}

async function serveDirectly(
  route: DirectRoute,
  req: IncomingMessage,
  res: ServerResponse,
  options: AheadOfExpressOptions,
): Promise<void> {
  const { request, response } = adoptExpressPrototypes(options.express, req, res);
  // As in Express, where the body is parsed before any route matches: a refused body is
  // counted as "unmatched", an accepted one under its route.
  let routed = false;
  options.metrics.track(req, res, () => (routed ? route.path : 'unmatched'));
  options.setHeaders(res);
  const fail = (error?: unknown) => answerUnexpected(response, error);
  try {
    if (route.method === 'post') {
      const read = await readJsonBody(req, options.maxBodyDepth);
      if (!read.ok) {
        options.bodyErrors(read.error, request, response, fail);
        return;
      }
      request.body = read.body;
    }
    routed = true;
    await route.handle(request, response, fail);
  } catch (error) {
    fail(error);
  }
}

/**
 * What Express's app.handle does to every request before its router: the request and response
 * become Express's (req.ip with the trust proxy setting, res.status, res.json...), which the
 * guards, filters and error handlers use.
 */
function adoptExpressPrototypes(
  express: ExpressApplication,
  req: IncomingMessage,
  res: ServerResponse,
): { request: Request; response: Response } {
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  Object.setPrototypeOf(req, express.request);
  Object.setPrototypeOf(res, express.response);
  response.locals ??= Object.create(null) as Response['locals'];
  return { request, response };
}

/** What nothing above should let through: a 500 in the API's error shape, never a hang. */
function answerUnexpected(response: Response, error: unknown): void {
  if (error === undefined || response.headersSent) return;
  response
    .status(500)
    .json({ statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' });
}
