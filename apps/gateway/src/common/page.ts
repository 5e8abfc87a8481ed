import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 1000;

/** `limit` and `cursor` of every list route: keyset pages, newest first. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(PAGE_LIMIT_MAX, { message: `limit must not be greater than ${PAGE_LIMIT_MAX}` })
  limit: number = PAGE_LIMIT_DEFAULT;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

/** The documented `nextCursor` of every page. */
export const ApiNextCursor = () =>
  ApiProperty({
    nullable: true,
    type: String,
    example: 'eyJhdCI6IjIwMjYtMTEtMjNUMTA6MDA6MDAuMDAwWiIsImlkIjoiMGI3ZSJ9',
    description: 'pass as cursor for the next page; null on the last',
  });

/** A page of items and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the sort key of the page's last item. */
export const encodeCursor = (key: readonly (string | number)[]): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key inside a cursor, checked against the shape the route expects. */
export function decodeCursor<T extends readonly (string | number)[]>(
  cursor: string,
  isValid: (key: unknown[]) => key is unknown[] & T,
): T {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || !isValid(key)) {
    throw new BadRequestException('cursor must be the nextCursor of a previous page');
  }
  return key;
}

/**
 * Fetch limit + 1 rows, then call this: the extra row only says whether a next page exists.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => readonly (string | number)[],
): Page<Item> {
  const items = rows.slice(0, limit);
  return {
    items: items.map(toItem),
    nextCursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The sort key of lists ordered by (a timestamp, a UUID id): [ISO time, id]. */
export const isTimeAndIdKey = (key: unknown[]): key is [string, string] =>
  key.length === 2 &&
  typeof key[0] === 'string' &&
  !Number.isNaN(Date.parse(key[0])) &&
  typeof key[1] === 'string' &&
  UUID.test(key[1]);
