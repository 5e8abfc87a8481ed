import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Request count and latency by route template (`/api/events/:id`, not each id, so the label
 * set stays bounded). Counted where the request arrives, ahead of everything else: it also
 * sees what guards, the rate limiter and body parsing turn away.
 */
export class RequestMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'eventmon_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'eventmon_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  /** Counts the request when its answer is sent, under the template `routeOf` names then. */
  track(req: IncomingMessage, res: ServerResponse, routeOf: () => string): void {
    const stopTimer = this.duration.startTimer();
    res.on('finish', () => {
      const route = routeOf();
      this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      stopTimer({ method: req.method, route });
    });
  }

  /** As Express middleware: the template is that of the route Express matched, if any. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      this.track(req, res, () => routeTemplate(req));
      next();
    };
  }
}

function routeTemplate(req: Request): string {
  // Express sets req.route once a route matched; its path is the template.
  const route: unknown = req.route;
  if (route && typeof route === 'object' && 'path' in route && typeof route.path === 'string') {
    return `${req.baseUrl}${route.path}`;
  }
  // Static files and the docs are not routes: group them instead of labelling every path.
  if (req.path.startsWith('/docs')) return '/docs';
  return req.method === 'GET' ? 'static' : 'unmatched';
}
