import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { ROLES, type KeyState, type Role } from '../auth';

export const KEY_ORIGINS = ['api', 'environment'] as const;
export type KeyOrigin = (typeof KEY_ORIGINS)[number];

export const TTL_PATTERN = /^[1-9]\d{0,5}[smhd]$/;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline', description: 'for people: who or what uses the key' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiPropertyOptional({
    example: '2027-06-30T00:00:00Z',
    description:
      'when the key stops working (a future instant); omit with ttl for a key that never expires',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO-8601 date-time' })
  expiresAt?: string;

  @ApiPropertyOptional({
    example: '90d',
    description: 'instead of expiresAt: lifetime from now, a number and s, m, h or d',
  })
  @IsOptional()
  @IsString()
  @Matches(TTL_PATTERN, {
    message: 'ttl must be a positive number followed by s, m, h or d, e.g. 90d',
  })
  ttl?: string;
}

export class ApiKeyDto {
  @ApiProperty({
    example: '6f1c2b9e-1d2a-4c3b-8e7f-0a1b2c3d4e5f',
    description: 'a UUID, or for a key of API_KEYS its principal id',
  })
  id: string;

  @ApiProperty({
    enum: KEY_ORIGINS,
    description: 'api: made by POST /api/keys; environment: API_KEYS',
  })
  origin: KeyOrigin;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'ci-pipeline' })
  name: string | null;

  @ApiProperty({ enum: ROLES }) role: Role;

  @ApiProperty({
    example: 'admin:3f2a9c0d1e2b',
    description: 'how the audit log names whoever uses the key',
  })
  principalId: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'emk_AbC1',
    description: 'the first characters of the key, to recognise it (not secret)',
  })
  prefix: string | null;

  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) state: KeyState;

  @ApiPropertyOptional({ nullable: true, type: String, example: '2026-12-01T08:00:00.000Z' })
  createdAt: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'admin:3f2a9c0d1e2b' })
  createdBy: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: '2027-06-30T00:00:00.000Z' })
  expiresAt: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '2026-12-06T07:41:00.000Z',
    description: 'to the minute, written by each gateway about every 10 s',
  })
  lastUsedAt: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: null })
  revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    example: 'emk_AbC1dEf2gHi3jKl4mNo5pQr6sTu7vWx8yZa9bCd0eFg',
    description: 'the key: shown in this answer only, never again (only its SHA-256 is kept)',
  })
  key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
}

export class WhoAmIDto {
  @ApiProperty({
    example: 'read:3f2a9c0d1e2b',
    description: 'how the audit log names the caller: role and a keyed fingerprint, never the key',
  })
  id: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'ci-pipeline',
    description: 'the name given to a key made by POST /api/keys; null for a key of API_KEYS',
  })
  name: string | null;

  @ApiProperty({ enum: ROLES }) role: Role;
}
