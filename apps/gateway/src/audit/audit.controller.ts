import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, Principal } from '../auth';
import { decodeCursor, toPage } from '../common/page';
import { timeRangeOf } from '../common/time-range';
import { ruleAsSeenBy } from '../rules/channel-redaction';
import { AuditEntryDto, AuditPageDto, AuditQueryDto } from './audit.dto';
import { AuditRepository } from './audit.repository';

const isIdKey = (key: unknown[]): key is [string] =>
  key.length === 1 && typeof key[0] === 'string' && /^\d{1,19}$/.test(key[0]);

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @Access('read')
  @ApiOperation({
    summary: 'Rule changes, incident actions and API key changes, newest first',
    description: "A rule's channel URLs show scheme and host only unless the key is admin.",
  })
  @ApiOkResponse({ type: AuditPageDto })
  async list(
    @Query() query: AuditQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditPageDto> {
    const rows = await this.audit.list({
      ...timeRangeOf(query),
      targetType: query.targetType,
      targetId: query.targetId,
      actor: query.actor,
      beforeId: query.cursor ? decodeCursor(query.cursor, isIdKey)[0] : undefined,
      limit: query.limit,
    });
    return toPage(
      rows,
      query.limit,
      (row): AuditEntryDto => ({
        ...row,
        at: row.at.toISOString(),
        before: ruleAsSeenBy(row.before, principal),
        after: ruleAsSeenBy(row.after, principal),
      }),
      (row) => [row.id],
    );
  }
}
