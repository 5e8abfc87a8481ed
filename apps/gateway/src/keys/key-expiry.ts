import { BadRequestException } from '@nestjs/common';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export interface ExpiryInput {
  /** ISO-8601 instant, already checked for its form. */
  expiresAt?: string;
  /** `<n>s|m|h|d`, already checked for its form. */
  ttl?: string;
}

/** When a new key expires (null: never), refusing both ways at once or an instant already past. */
export function expiryOf(input: ExpiryInput, now: Date): Date | null {
  if (input.expiresAt !== undefined && input.ttl !== undefined) {
    throw new BadRequestException('give expiresAt or ttl, not both');
  }
  if (input.ttl !== undefined) {
    const unit = input.ttl.slice(-1) as keyof typeof UNIT_MS;
    return new Date(now.getTime() + Number(input.ttl.slice(0, -1)) * UNIT_MS[unit]);
  }
  if (input.expiresAt === undefined) return null;
  const expiresAt = new Date(input.expiresAt);
  if (expiresAt.getTime() <= now.getTime()) {
    throw new BadRequestException('expiresAt must be in the future');
  }
  return expiresAt;
}
