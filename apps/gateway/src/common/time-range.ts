import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

/** `from` (inclusive) and `to` (exclusive) as ISO-8601 instants. */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({ example: '2026-11-23T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-24T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to?: string;
}

export interface TimeRange {
  from?: Date;
  to?: Date;
}

/**
 * The range as dates, refusing one that ends before it starts or, when `maxDays` is given, one
 * wider than that (or open-ended): such caps keep one request from scanning everything.
 */
export function timeRangeOf(query: TimeRangeQueryDto, maxDays?: number): TimeRange {
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from.getTime() >= to.getTime()) {
    throw new BadRequestException('from must be earlier than to');
  }
  if (maxDays !== undefined) {
    assertSpan(from?.getTime() ?? Number.NEGATIVE_INFINITY, to?.getTime() ?? Date.now(), maxDays);
  }
  return { from, to };
}

/** Refuses a range [from, to) (epoch ms) wider than `maxDays`. */
export function assertSpan(from: number, to: number, maxDays: number): void {
  if (to - from > maxDays * 86_400_000) {
    throw new BadRequestException(`the time range may span at most ${maxDays} days`);
  }
}
