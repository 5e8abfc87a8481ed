import { INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import express from 'express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import type { GatewayConfig } from '../gateway.config';
import { MAX_BODY_DEPTH, refuseDeepBodies } from './body-depth';
import { bodyErrorHandler } from './body-errors';
import { dashboardAssets } from './dashboard-assets';
import { dashboardDir } from './dashboard-dir';
import { serveDirectRoutes } from './direct-routes';
import { serveOpenApi } from './openapi';
import { recordedHeaders, settingHeaders } from './static-headers';
import { RequestMetrics } from './request-metrics';

/** Everything HTTP the gateway sets up before it listens, in the order requests meet it. */
export function configureGatewayHttp(nestApp: INestApplication, config: GatewayConfig): void {
  const app = nestApp as NestExpressApplication;
  // Without listed proxies, the client address (rate limits, logs) is the socket's own: an
  // X-Forwarded-For header is believed only when it comes from a proxy named here.
  app.set('trust proxy', config.trustProxy === '' ? false : config.trustProxy.split(','));
  app.disable('x-powered-by');
  // An ETag is a SHA-1 of every body (a minute series is 72 KB), paid on every response for
  // conditional requests that API clients and the dashboard's live data never make.
  app.set('etag', false);
  // Live incidents over WebSocket at /ws, on this same HTTP server (apps/gateway/src/live).
  app.useWebSocketAdapter(new WsAdapter(app));
  const metrics = new RequestMetrics(app.get<Registry>(METRICS_REGISTRY));
  app.use(metrics.middleware());
  const setHeaders = recordedHeaders(helmet());
  app.use(settingHeaders(setHeaders));
  // Registered directly, not through app.useBodyParser: Nest 12 reserves body-parser's `verify`
  // for its rawBody option and its options type refuses ours. Nest adds its default JSON parser
  // only when none named jsonParser is in place yet, so this stays the only one.
  app.use(express.json({ limit: config.bodyLimitBytes, verify: refuseDeepBodies(MAX_BODY_DEPTH) }));
  app.use(bodyErrorHandler(config.bodyLimitBytes));
  // Nest's own form parser, as Nest would add it when it registers its routes (after the
  // handler above, as before): here already, so that the direct routes below see the same body.
  app.use(express.urlencoded({ extended: true }));
  const validation = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // A query string value arrives as a string: "limit=10" becomes the number the DTO says.
    transformOptions: { enableImplicitConversion: false },
  });
  app.useGlobalPipes(validation);
  if (config.ingestDirect) {
    serveDirectRoutes(app, validation, {
      metrics,
      setHeaders,
      bodyLimitBytes: config.bodyLimitBytes,
      maxBodyDepth: MAX_BODY_DEPTH,
      bodyErrors: bodyErrorHandler(config.bodyLimitBytes),
    });
  }
  serveOpenApi(app);
  const dashboard = dashboardDir();
  if (dashboard) app.use(dashboardAssets(dashboard));
}
