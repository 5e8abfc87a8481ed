import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';

export class DeadLetterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit: number = 50;
}

export class DeadLetterDto {
  @ApiProperty({ example: '0-42', description: '<partition>-<offset> on events.dlq' }) id: string;
  @ApiProperty({ example: ['"type" is required'] }) reasons: string[];
  @ApiPropertyOptional({ example: 'validation', nullable: true, type: String }) stage:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'events' })
  originalTopic: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, example: 0 })
  originalPartition: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '1289' })
  originalOffset: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-11-23T10:00:00.000Z' })
  failedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'consumer' })
  service: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'client-42' })
  key: string | null;
  @ApiProperty({ example: 87, description: 'size of the original message' }) valueBytes: number;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'as text, the first 4,096 characters',
    example: '{"source":"client-42","severity":"high"}',
  })
  value: string | null;
}

export class ReplayDto {
  @ApiProperty({ example: ['0-42'], description: 'dead letters to publish to events again' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(/^\d{1,5}-\d{1,19}$/, { each: true, message: 'each id must look like 0-42' })
  ids: string[];

  @ApiPropertyOptional({
    description: 'a corrected event per id, sent instead of the original bytes',
    example: { '0-42': { type: 'payment.exception', source: 'client-42' } },
  })
  @IsOptional()
  @IsObject()
  corrections?: Record<string, unknown>;
}

export class ReplayedDto {
  @ApiProperty({ example: [{ id: '0-42', eventId: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f' }] })
  replayed: { id: string; eventId: string }[];
}
