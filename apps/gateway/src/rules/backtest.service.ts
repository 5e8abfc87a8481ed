import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { assertSpan, TimeRangeQueryDto, timeRangeOf } from '../common/time-range';
import { Backtest } from './backtest';
import { BacktestDto } from './rules.dto';
import { definitionOf } from './rule-items';
import { RulesRepository } from './rules.repository';
import { RulesService } from './rules.service';

const MAX_SPAN_DAYS = 7;
const DEFAULT_SPAN_MS = 86_400_000;
/** A backtest reads at most this many events; a busier range must be narrowed. */
export const MAX_BACKTEST_EVENTS = 2_000_000;
const LISTED_INCIDENTS = 1000;

@Injectable()
export class BacktestService {
  private readonly logger = new Logger(BacktestService.name);

  constructor(
    private readonly rules: RulesRepository,
    private readonly ruleItems: RulesService,
  ) {}

  /** Stops reading events once `cancelled` aborts (the client went away); the answer is then moot. */
  async run(
    id: string,
    query: TimeRangeQueryDto,
    keyId: string,
    cancelled: AbortSignal,
  ): Promise<BacktestDto> {
    // A file rule too: what it would have done is as useful to know as for any rule.
    const item = await this.ruleItems.find(id);
    if (!item) throw new NotFoundException(`no rule with id ${id}`);
    const range = timeRangeOf(query);
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
    assertSpan(from.getTime(), to.getTime(), MAX_SPAN_DAYS);
    const rule = definitionOf(item);
    // Exact type names let PostgreSQL skip other events; a glob needs the engine's matcher.
    const exact = rule.match.types.every((type) => !type.includes('*'));
    const backtest = new Backtest(rule, from.getTime(), LISTED_INCIDENTS);
    this.logger.log(
      `backtest of rule ${id} over ${from.toISOString()}..${to.toISOString()} started by ${keyId}`,
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
        `backtest of rule ${id} cancelled after ${backtest.eventsScanned} events: the client went away`,
      );
    }
    const result = backtest.finish(to.getTime());
    return {
      ruleId: id,
      from: from.toISOString(),
      to: to.toISOString(),
      eventsScanned: backtest.eventsScanned,
      ...result,
    };
  }
}
