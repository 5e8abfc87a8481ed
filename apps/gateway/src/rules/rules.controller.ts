import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, Principal } from '../auth';
import { TimeRangeQueryDto } from '../common/time-range';
import { BacktestService, PREVIEW_RULE_ID } from './backtest.service';
import { BacktestsBusy, BacktestSlots } from './backtest-slots';
import { BacktestDto, RULE_EXAMPLE, RuleDto, RulePageDto, RuleQueryDto } from './rules.dto';
import { RulesService } from './rules.service';

/** A backtest takes seconds; asking again sooner would only be refused again. */
const BACKTEST_RETRY_AFTER_SECONDS = 5;

const FILE_RULE_CONFLICT =
  "the rule is predefined in alerting's rules file (readOnly): change the file and restart alerting";

const BACKTEST_NOTE =
  "from/to default to the last 24 hours; at most 7 days and 2,000,000 events. One backtest at a time per API key and GATEWAY_BACKTEST_CONCURRENCY in all (429 with Retry-After beyond); closing the connection cancels it. `series` is the rule's aggregate at up to 240 bucket ends, of the group key nearest to firing.";

const ruleBody = (description: string) =>
  ApiBody({ description, schema: { type: 'object', example: RULE_EXAMPLE } });

@ApiTags('rules')
@Controller('api/rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly backtests: BacktestService,
    private readonly slots: BacktestSlots,
  ) {}

  @Get()
  @Access('read')
  @ApiOperation({
    summary:
      "Rules by id, page by page: those made through this API and those of alerting's rules file",
    description:
      'Each rule says where it comes from (`origin`), whether it is read-only (file rules) and its `state`: windows held by the live alerting replicas, unresolved incidents, newest opening. File rules are those the alerting replicas report (the newest report when none is live). Channel URLs show scheme and host only (`https://hooks.slack.com/…`) unless the key is admin.',
  })
  @ApiOkResponse({ type: RulePageDto })
  list(
    @Query() query: RuleQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RulePageDto> {
    return this.rules.list(query, principal);
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({
    summary: "One rule (made through this API or from alerting's rules file), with its state",
    description:
      'Channel URLs show scheme and host only (`https://hooks.slack.com/…`) unless the key is admin.',
  })
  @ApiOkResponse({ type: RuleDto })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<RuleDto> {
    return this.rules.get(id, principal);
  }

  @Post()
  @Access('admin')
  @ApiOperation({ summary: 'Create a rule (id generated when absent); published to alert-rules' })
  @ruleBody('a rule; omitted fields take their defaults')
  @ApiCreatedResponse({ type: RuleDto })
  @ApiConflictResponse({
    description: "a rule with this id exists, or alerting's rules file defines this id",
  })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<RuleDto> {
    return this.rules.create(body, principal);
  }

  @Post(':id/backtest')
  @HttpCode(200)
  @Access('read')
  @ApiOperation({
    summary:
      'Evaluate the rule over stored events and list the incidents it would have opened (notifies nobody)',
    description: BACKTEST_NOTE,
  })
  @ApiOkResponse({ type: BacktestDto })
  backtest(
    @Param('id') id: string,
    @Query() query: TimeRangeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BacktestDto> {
    return this.inBacktestSlot(principal, response, (cancelled) =>
      this.backtests.run(id, query, principal.id, cancelled),
    );
  }

  @Post('preview')
  @HttpCode(200)
  @Access('read')
  @ApiOperation({
    summary: 'Backtest a rule that is not saved: the body as POST /api/rules takes it',
    description: `The rule is checked as POST /api/rules checks it (400 with the same reasons); its id may be left out (the answer's ruleId is then "${PREVIEW_RULE_ID}"). Nothing is stored or published. ${BACKTEST_NOTE}`,
  })
  @ruleBody('a rule, its id optional; omitted fields take their defaults')
  @ApiOkResponse({ type: BacktestDto })
  async preview(
    @Body() body: unknown,
    @Query() query: TimeRangeQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BacktestDto> {
    const rule = await this.backtests.previewRule(body);
    return this.inBacktestSlot(principal, response, (cancelled) =>
      this.backtests.preview(rule, query, principal.id, cancelled),
    );
  }

  @Put(':id')
  @Access('admin')
  @ApiOperation({ summary: 'Replace a rule' })
  @ruleBody('the whole rule')
  @ApiOkResponse({ type: RuleDto })
  @ApiConflictResponse({ description: FILE_RULE_CONFLICT })
  replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleDto> {
    return this.rules.replace(id, body, principal);
  }

  @Patch(':id')
  @Access('admin')
  @ApiOperation({ summary: 'Change part of a rule (JSON Merge Patch), e.g. {"enabled": false}' })
  @ApiBody({ schema: { type: 'object', example: { enabled: false } } })
  @ApiOkResponse({ type: RuleDto })
  @ApiConflictResponse({ description: FILE_RULE_CONFLICT })
  patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleDto> {
    return this.rules.patch(id, body, principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('admin')
  @ApiOperation({ summary: 'Delete a rule (a tombstone on alert-rules)' })
  @ApiNoContentResponse()
  @ApiConflictResponse({
    description: `${FILE_RULE_CONFLICT}; or the rule replaces a file rule of the same id (deleting it would stop alerting running either: disable it instead)`,
  })
  remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.rules.remove(id, principal);
  }

  /**
   * Runs a backtest in one of the key's slots (429 with Retry-After when there is none) and
   * cancels it when the client goes away before its answer is written.
   */
  private async inBacktestSlot(
    principal: Principal,
    response: Response,
    work: (cancelled: AbortSignal) => Promise<BacktestDto>,
  ): Promise<BacktestDto> {
    let release: () => void;
    try {
      release = this.slots.take(principal.id);
    } catch (error) {
      if (!(error instanceof BacktestsBusy)) throw error;
      response.setHeader('Retry-After', String(BACKTEST_RETRY_AFTER_SECONDS));
      throw new HttpException(error.message, HttpStatus.TOO_MANY_REQUESTS);
    }
    const cancelled = new AbortController();
    // 'close' before the answer was written: the client went away, so stop scanning.
    response.on('close', () => {
      if (!response.writableFinished) cancelled.abort();
    });
    try {
      return await work(cancelled.signal);
    } finally {
      release();
    }
  }
}
