import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AlertRule } from '@app/contracts';
import { AlertRuleEntity, EventEntity } from '@app/database';
import type { IncidentStats } from './rule-items';

export interface RuleFilter {
  enabled?: boolean;
  /** Keyset: ids after this one. */
  afterId?: string;
  limit: number;
}

@Injectable()
export class RulesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string): Promise<AlertRuleEntity | null> {
    return this.dataSource.getRepository(AlertRuleEntity).findOneBy({ id });
  }

  findForUpdate(manager: EntityManager, id: string): Promise<AlertRuleEntity | null> {
    return manager
      .getRepository(AlertRuleEntity)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.id = :id', { id })
      .getOne();
  }

  async insert(manager: EntityManager, rule: AlertRule): Promise<AlertRuleEntity> {
    const row = manager.getRepository(AlertRuleEntity).create({
      id: rule.id,
      name: rule.name,
      enabled: rule.enabled,
      definition: rule,
      version: 1,
    });
    return manager.getRepository(AlertRuleEntity).save(row);
  }

  async update(manager: EntityManager, row: AlertRuleEntity, rule: AlertRule) {
    row.name = rule.name;
    row.enabled = rule.enabled;
    row.definition = rule;
    row.version += 1;
    row.updatedAt = new Date();
    return manager.getRepository(AlertRuleEntity).save(row);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(AlertRuleEntity).delete({ id });
  }

  /**
   * By id; limit + 1 rows. In byte order (`COLLATE "C"`), whatever the database's collation:
   * the page merges these rows with alerting's file rules, which are ordered in code.
   */
  list(filter: RuleFilter): Promise<AlertRuleEntity[]> {
    const query = this.dataSource
      .getRepository(AlertRuleEntity)
      .createQueryBuilder('r')
      .orderBy('r.id COLLATE "C"', 'ASC')
      .limit(filter.limit + 1);
    if (filter.enabled !== undefined) query.andWhere('r.enabled = :enabled', filter);
    if (filter.afterId) query.andWhere('r.id COLLATE "C" > :afterId', filter);
    return query.getMany();
  }

  /** Which of `ids` the table holds. */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.dataSource.query(
      'SELECT id FROM alert_rules WHERE id = ANY($1::varchar[])',
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Unresolved incidents and the newest opening of each of `ruleIds`, in one grouped query
   * (a page's worth of rules at once). Rules without incidents are absent.
   */
  async incidentStats(ruleIds: readonly string[]): Promise<Map<string, IncidentStats>> {
    if (ruleIds.length === 0) return new Map();
    const rows: { rule_id: string; open_incidents: string; last_fired_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT rule_id,
                count(*) FILTER (WHERE status <> 'resolved') AS open_incidents,
                max(opened_at) AS last_fired_at
           FROM incidents
          WHERE rule_id = ANY($1::varchar[])
          GROUP BY rule_id`,
        [ruleIds],
      );
    return new Map(
      rows.map((row) => [
        row.rule_id,
        { openIncidents: Number(row.open_incidents), lastFiredAt: row.last_fired_at },
      ]),
    );
  }

  all(): Promise<AlertRuleEntity[]> {
    return this.dataSource.getRepository(AlertRuleEntity).find();
  }

  /**
   * Events of [from, to) in time order, a page at a time (keyset on (occurred_at, id)), so a
   * backtest never holds the range in memory. `types` narrows to exact type names when given.
   */
  async *eventsInOrder(
    from: Date,
    to: Date,
    types: string[] | undefined,
    cancelled: AbortSignal,
  ): AsyncGenerator<EventEntity> {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      // A page is handed out in microtasks, so a client's 'close' waits in the event loop
      // until here: let it through, and read no further page for a client that went away.
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled.aborted) return;
      const query = this.dataSource
        .getRepository(EventEntity)
        .createQueryBuilder('e')
        .where('e.occurred_at >= :from AND e.occurred_at < :to', { from, to })
        .orderBy('e.occurred_at', 'ASC')
        .addOrderBy('e.id', 'ASC')
        .limit(EVENT_PAGE);
      if (types) query.andWhere('e.type = ANY(:types)', { types });
      // The bare bound lets the planner leave out the day partitions before the last page's.
      if (after)
        query.andWhere('e.occurred_at >= :at AND (e.occurred_at, e.id) > (:at, :id)', after);
      const page = await query.getMany();
      yield* page;
      if (page.length < EVENT_PAGE) return;
      const last = page[page.length - 1];
      after = { at: last.occurredAt, id: last.id };
    }
  }
}

const EVENT_PAGE = 5000;
