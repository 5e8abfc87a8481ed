import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Request count and latency by route template (`/api/events/:id`, not each id, so the label
 * set stays bounded). An Express middleware rather than a Nest interceptor: it also sees what
 * guards, the rate limiter and body parsing turn away.
 */
export function requestMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'eventmon_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'eventmon_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route template',
    labelNames: ['method', 'route'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const stopTimer = duration.startTimer();
    res.on('finish', () => {
      const route = routeTemplate(req);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      stopTimer({ method: req.method, route });
    });
    next();
  };
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
