import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** `:id` path parameters that must be UUIDs: a 400 naming the problem, before any query. */
export const uuidParam = (name = 'id'): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException(`${name} must be a UUID`),
  });
