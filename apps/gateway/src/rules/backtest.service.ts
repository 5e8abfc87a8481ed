import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { assertSpan, TimeRangeQueryDto, timeRangeOf } from '../common/time-range';
import { Backtest } from './backtest';
import { BacktestDto } from './rules.dto';
import { RulesRepository } from './rules.repository';

const MAX_SPAN_DAYS = 7;
const DEFAULT_SPAN_MS = 86_400_000;
/** A backtest reads at most this many events; a busier range must be narrowed. */
export const MAX_BACKTEST_EVENTS = 2_000_000;
const LISTED_INCIDENTS = 1000;

@Injectable()
export class BacktestService {
  constructor(private readonly rules: RulesRepository) {}

  async run(id: string, query: TimeRangeQueryDto): Promise<BacktestDto> {
    const row = await this.rules.findById(id);
    if (!row) throw new NotFoundException(`no rule with id ${id}`);
    const range = timeRangeOf(query);
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
    assertSpan(from.getTime(), to.getTime(), MAX_SPAN_DAYS);
    const rule = row.definition;
    // Exact type names let PostgreSQL skip other events; a glob needs the engine's matcher.
    const exact = rule.match.types.every((type) => !type.includes('*'));
    const backtest = new Backtest(rule, from.getTime());
    for await (const event of this.rules.eventsInOrder(
      from,
      to,
      exact ? rule.match.types : undefined,
    )) {
      if (backtest.eventsScanned >= MAX_BACKTEST_EVENTS) {
        throw new BadRequestException(
          `the range holds more than ${MAX_BACKTEST_EVENTS} events: narrow from/to`,
        );
      }
      backtest.offer({ ...event, occurredAt: event.occurredAt.getTime() });
    }
    const incidents = backtest.finish(to.getTime());
    const resolved = incidents.filter((incident) => incident.resolvedAt !== null).length;
    return {
      ruleId: id,
      from: from.toISOString(),
      to: to.toISOString(),
      eventsScanned: backtest.eventsScanned,
      counts: { incidents: incidents.length, resolved, open: incidents.length - resolved },
      incidents: incidents.slice(0, LISTED_INCIDENTS),
    };
  }
}
