import { SetMetadata } from '@nestjs/common';

/**
 * Marks a controller or route as open to anyone who can reach the port: probes and scrapers
 * (`/health`, `/metrics`) carry no API key. A service that authenticates its API (the
 * gateway) lets these through and guards everything else.
 */
export const PUBLIC_ROUTE = 'eventmon:public-route';
export const PublicRoute = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ROUTE, true);
