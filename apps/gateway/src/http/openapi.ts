import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_HEADER } from '../auth';
import { addErrorResponses } from './openapi-errors';

export const API_KEY_SCHEME = 'api-key';

/** OpenAPI at `/docs` (UI) and `/docs/openapi.json`, with the X-API-Key scheme. */
export function serveOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('eventmon gateway')
      .setDescription(
        'REST API of the event monitoring and alerting platform. Send an API key in the X-API-Key header: ' +
          '`read` keys may read, `ingest` keys may publish events, `admin` keys may do everything.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, API_KEY_SCHEME)
      .addSecurityRequirements(API_KEY_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, addErrorResponses(document), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
