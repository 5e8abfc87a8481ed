import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { AlertRule } from '@app/contracts';
import { assertSpan, TimeRangeQueryDto, timeRangeOf } from '../common/time-range';
import { Backtest } from './backtest';
import { RuleValidator } from './rule-validator';
import { BacktestDto } from './rules.dto';
import { definitionOf } from './rule-items';
import { RulesRepository } from './rules.repository';
import { objectBody, RulesService } from './rules.service';

const MAX_SPAN_DAYS = 7;
const DEFAULT_SPAN_MS = 86_400_000;
/** A backtest reads at most this many events; a busier range must be narrowed. */
export const MAX_BACKTEST_EVENTS = 2_000_000;
const LISTED_INCIDENTS = 1000;
/** The id a previewed rule is evaluated under when its body has none (it is never stored). */
export const PREVIEW_RULE_ID = 'preview';

@Injectable()
export class BacktestService {
  private readonly logger = new Logger(BacktestService.name);

  constructor(
    private readonly rules: RulesRepository,
    private readonly validator: RuleValidator,
    private readonly ruleItems: RulesService,
  ) {}

  /** Backtests a rule of the API or of alerting's file. Stops reading events once `cancelled` aborts (the client went away). */
  async run(
    id: string,
    query: TimeRangeQueryDto,
    keyId: string,
    cancelled: AbortSignal,
  ): Promise<BacktestDto> {
    // A file rule too: what it would have done is as useful to know as for any rule.
    const item = await this.ruleItems.find(id);
    if (!item) throw new NotFoundException(`no rule with id ${id}`);
    return this.replay(definitionOf(item), query, keyId, cancelled);
  }

  /**
   * The rule a preview runs, checked as POST /api/rules checks it (a bad rule is the same 400
   * with the same reasons), its id optional. Done before the backtest takes a slot, so a bad
   * rule is told what is wrong even while the key's slot is busy.
   */
  async previewRule(body: unknown): Promise<AlertRule> {
    const input = objectBody(body);
    return this.validator.validate({ ...input, id: input.id ?? PREVIEW_RULE_ID });
  }

  /** Backtests a rule that is not stored (see previewRule). */
  preview(
    rule: AlertRule,
    query: TimeRangeQueryDto,
    keyId: string,
    cancelled: AbortSignal,
  ): Promise<BacktestDto> {
    return this.replay(rule, query, keyId, cancelled);
  }

  private async replay(
    rule: AlertRule,
    query: TimeRangeQueryDto,
    keyId: string,
    cancelled: AbortSignal,
  ): Promise<BacktestDto> {
    const range = timeRangeOf(query);
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
    if (from.getTime() >= to.getTime()) {
      throw new BadRequestException('from must be earlier than to');
    }
    assertSpan(from.getTime(), to.getTime(), MAX_SPAN_DAYS);
    // Exact type names let PostgreSQL skip other events; a glob needs the engine's matcher.
    const exact = rule.match.types.every((type) => !type.includes('*'));
    const backtest = new Backtest(
      rule,
      { from: from.getTime(), to: to.getTime() },
      LISTED_INCIDENTS,
    );
    this.logger.log(
      `backtest of rule ${rule.id} over ${from.toISOString()}..${to.toISOString()} started by ${keyId}`,
    );
    for await (const event of this.rules.eventsInOrder(
      from,
      to,
      exact ? rule.match.types : undefined,
      cancelled,
    )) {
      if (backtest.eventsScanned >= MAX_BACKTEST_EVENTS) {
        throw new BadRequestException(
          `the range holds more than ${MAX_BACKTEST_EVENTS} events: narrow from/to`,
        );
      }
      // Leaving the loop returns the generator: no further page is read.
      if (cancelled.aborted) break;
      backtest.offer({ ...event, occurredAt: event.occurredAt.getTime() });
    }
    if (cancelled.aborted) {
      this.logger.log(
        `backtest of rule ${rule.id} cancelled after ${backtest.eventsScanned} events: the client went away`,
      );
    }
    return {
      ruleId: rule.id,
      from: from.toISOString(),
      to: to.toISOString(),
      eventsScanned: backtest.eventsScanned,
      ...backtest.finish(),
    };
  }
}
