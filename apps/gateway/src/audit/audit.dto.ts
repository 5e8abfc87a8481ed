import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiNextCursor, PageQueryDto } from '../common/page';
import { TimeRangeQueryDto } from '../common/time-range';

export const AUDIT_TARGET_TYPES = ['rule', 'incident', 'dead-letter', 'api-key'] as const;

export class AuditQueryDto extends IntersectionType(PageQueryDto, TimeRangeQueryDto) {
  @ApiPropertyOptional({ enum: AUDIT_TARGET_TYPES })
  @IsOptional()
  @IsIn(AUDIT_TARGET_TYPES)
  targetType?: string;

  @ApiPropertyOptional({ description: 'id of the rule, incident, dead letter or API key' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  targetId?: string;

  @ApiPropertyOptional({
    description: 'principal id, e.g. admin:3f2a9c0d1e2b',
    example: 'admin:3f2a9c0d1e2b',
  })
  @IsOptional()
  @Matches(/^(read|ingest|admin):[0-9a-f]{12}$/, {
    message: 'actor must be a principal id such as admin:3f2a9c0d1e2b',
  })
  actor?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) at: string;
  @ApiProperty({
    example: 'admin:3f2a9c0d1e2b',
    description: 'role and key fingerprint, never the key',
  })
  actor: string;
  @ApiProperty({ example: 'rule.updated' }) action: string;
  @ApiProperty({ enum: AUDIT_TARGET_TYPES }) targetType: string;
  @ApiProperty({ example: 'payment-exceptions' }) targetId: string;
  @ApiPropertyOptional({ description: 'state before the change (null for a creation)' })
  before: unknown;
  @ApiPropertyOptional({ description: 'state after the change (null for a deletion)' })
  after: unknown;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiNextCursor() nextCursor: string | null;
}
