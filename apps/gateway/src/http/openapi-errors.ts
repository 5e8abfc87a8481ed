import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  HeadersObject,
  OperationObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** The body of every error answer: Nest's shape, whichever layer refused the request. */
const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    message: {
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description: 'what is wrong, in words; a list when several things are',
    },
    error: { type: 'string' },
  },
};

const errorResponse = (
  statusCode: number,
  error: string,
  message: string,
  headers?: HeadersObject,
): ResponseObject => ({
  description: message,
  ...(headers ? { headers } : {}),
  content: {
    'application/json': { schema: ERROR_SCHEMA, example: { statusCode, message, error } },
  },
});

const RETRY_AFTER: HeadersObject = {
  'Retry-After': { schema: { type: 'integer' }, description: 'seconds' },
};

/**
 * The refusals every API route can give, written once for the whole document rather than
 * on 23 handlers: each operation keeps what it declares itself and gains the rest. Public
 * routes (health, metrics) take no key and so get none of the key errors.
 */
export function addErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api') && path !== '/event') continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const common = {
        400: errorResponse(400, 'Bad Request', 'limit must not be greater than 1000'),
        401: errorResponse(401, 'Unauthorized', 'missing X-API-Key header'),
        403: errorResponse(403, 'Forbidden', 'this route needs an API key with role admin'),
        ...(path.includes('{') ? { 404: errorResponse(404, 'Not Found', 'no such resource') } : {}),
        429: errorResponse(
          429,
          'Too Many Requests',
          'ThrottlerException: Too Many Requests',
          RETRY_AFTER,
        ),
        503: errorResponse(
          503,
          'Service Unavailable',
          'the database is busy or unavailable; retry shortly',
          RETRY_AFTER,
        ),
      };
      operation.responses = { ...common, ...operation.responses };
    }
  }
  return document;
}
