import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AlertRule, RULE_LIMITS, Topic } from '@app/contracts';
import { AuditRepository } from '../audit/audit.repository';
import type { Principal } from '../auth';
import { decodeCursor, Page, toPage } from '../common/page';
import { TopicPublisher } from '../kafka/topic-publisher';
import { AlertingStatusFollower } from './alerting-status-follower';
import { mergePatch } from './merge-patch';
import { withActivation } from './rule-activation';
import { ruleMessage } from './rule-topic-sync';
import { RuleValidator } from './rule-validator';
import { RuleDto, RuleQueryDto } from './rules.dto';
import { RulesRepository } from './rules.repository';
import {
  apiItem,
  fileItem,
  fileRulesForPage,
  mergeRulePage,
  RuleItem,
  toRuleDto,
} from './rule-items';

const isIdKey = (key: unknown[]): key is [string] =>
  key.length === 1 && typeof key[0] === 'string' && RULE_LIMITS.idPattern.test(key[0]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rules as the API shows them: the rules table's (made through this API, published to
 * `alert-rules`) and the rules of alerting's file, which alerting reports on `alerting.status`
 * (AlertingStatusFollower). A table row wins over a file rule of the same id, as in alerting
 * (RuleSet: the topic's version of an id replaces the file's). File rules are read-only here.
 *
 * Changes: validated as the alerting app validates, written with their audit entry in
 * one transaction, published to `alert-rules` before that transaction commits (Kafka refusing
 * means a 503 and no change). RuleTopicSync repairs the rare publish-then-failed-commit.
 */
@Injectable()
export class RulesService {
  constructor(
    private readonly rules: RulesRepository,
    private readonly validator: RuleValidator,
    private readonly publisher: TopicPublisher,
    private readonly audit: AuditRepository,
    private readonly alerting: AlertingStatusFollower,
  ) {}

  /**
   * Rules as `principal` may see them (channel URLs redacted for non-admins), table rows and
   * file rules in one keyset page by id.
   */
  async list(query: RuleQueryDto, principal: Principal): Promise<Page<RuleDto>> {
    const afterId = query.cursor ? decodeCursor(query.cursor, isIdKey)[0] : undefined;
    const reported = this.alerting.snapshot();
    const rows = await this.rules.list({ enabled: query.enabled, afterId, limit: query.limit });
    const fileRules = fileRulesForPage(reported.fileRules, { afterId, enabled: query.enabled });
    // Against the whole table, not this page's rows: a row filtered out by `enabled` still
    // replaces the file rule of its id.
    const shadowed = await this.rules.existingIds(fileRules.map(({ rule }) => rule.id));
    const items = mergeRulePage(
      rows,
      fileRules.filter(({ rule }) => !shadowed.has(rule.id)),
      query.limit,
    );
    const stats = await this.rules.incidentStats(
      items.slice(0, query.limit).map((item) => item.id),
    );
    return toPage(
      items,
      query.limit,
      (item) => toRuleDto(item, stats.get(item.id), reported, principal),
      (item) => [item.id],
    );
  }

  async get(id: string, principal: Principal): Promise<RuleDto> {
    const item = await this.find(id);
    if (!item) throw new NotFoundException(`no rule with id ${id}`);
    return this.toDto(item, principal);
  }

  /** The rule alerting runs under `id`: the table's, else the file's; null if neither. */
  async find(id: string): Promise<RuleItem | null> {
    const row = await this.rules.findById(id);
    if (row) return apiItem(row);
    const file = this.alerting.snapshot().fileRule(id);
    return file ? fileItem(file) : null;
  }

  async create(body: unknown, principal: Principal): Promise<RuleDto> {
    const input = newRuleInput(body);
    if (typeof input.id === 'string') this.refuseFileRule(input.id);
    const validated = await this.validator.validate(input);
    const row = await this.rules.transaction(async (manager) => {
      const rule = withActivation(validated, null, new Date());
      if (await this.rules.findForUpdate(manager, rule.id)) {
        throw new ConflictException(`a rule with id ${rule.id} exists: PUT or PATCH it instead`);
      }
      const inserted = await this.rules.insert(manager, rule);
      await this.record(manager, principal, 'rule.created', rule.id, null, rule);
      return inserted;
    });
    return this.toDto(apiItem(row));
  }

  async replace(id: string, body: unknown, principal: Principal): Promise<RuleDto> {
    const input = objectBody(body);
    if (input.id !== undefined && input.id !== id) {
      throw new BadRequestException(`the body's id ${JSON.stringify(input.id)} is not ${id}`);
    }
    await this.refuseFileOnlyRule(id);
    const rule = await this.validator.validate({ ...input, id });
    return this.change(id, principal, () => rule);
  }

  async patch(id: string, body: unknown, principal: Principal): Promise<RuleDto> {
    const patch = objectBody(body);
    if (patch.id !== undefined && patch.id !== id) {
      throw new BadRequestException('a rule id cannot be changed');
    }
    await this.refuseFileOnlyRule(id);
    return this.change(id, principal, (current) =>
      this.validator.validate(mergePatch(current, { ...patch, id })),
    );
  }

  async remove(id: string, principal: Principal): Promise<void> {
    await this.refuseFileOnlyRule(id);
    const file = this.alerting.snapshot().fileRule(id);
    if (file) {
      // Alerting reads a tombstone as "no rule with this id", the file's included (RuleSet).
      throw new ConflictException(
        `rule ${id} replaces the rule predefined in ${file.path}: deleting it would stop alerting running either; disable it (PATCH {"enabled": false}), or remove ${id} from the file and restart alerting`,
      );
    }
    await this.rules.transaction(async (manager) => {
      const row = await this.rules.findForUpdate(manager, id);
      if (!row) throw new NotFoundException(`no rule with id ${id}`);
      await this.rules.delete(manager, id);
      await this.audit.record(
        {
          actor: principal,
          action: 'rule.deleted',
          targetType: 'rule',
          targetId: id,
          before: row.definition,
          after: null,
        },
        manager,
      );
      await this.publisher.send(Topic.AlertRules, [ruleMessage(id, null)]);
    });
  }

  private async change(
    id: string,
    principal: Principal,
    next: (current: AlertRule) => AlertRule | Promise<AlertRule>,
  ): Promise<RuleDto> {
    const saved = await this.rules.transaction(async (manager) => {
      const row = await this.rules.findForUpdate(manager, id);
      if (!row) throw new NotFoundException(`no rule with id ${id}`);
      const before = row.definition;
      const rule = withActivation(await next(before), before, new Date());
      const updated = await this.rules.update(manager, row, rule);
      await this.record(manager, principal, 'rule.updated', id, before, rule);
      return updated;
    });
    return this.toDto(apiItem(saved));
  }

  /** A new rule may not take the id of a file rule: alerting would run it instead of the file's. */
  private refuseFileRule(id: string): void {
    const file = this.alerting.snapshot().fileRule(id);
    if (file) throw new ConflictException(readOnlyMessage(id, file.path));
  }

  /** Changes to a rule that only the file defines; a table row of that id is changed as usual. */
  private async refuseFileOnlyRule(id: string): Promise<void> {
    const file = this.alerting.snapshot().fileRule(id);
    if (file && !(await this.rules.findById(id))) {
      throw new ConflictException(readOnlyMessage(id, file.path));
    }
  }

  /** `principal` absent: the whole rule (answers to changes, which only admins make). */
  private async toDto(item: RuleItem, principal?: Principal): Promise<RuleDto> {
    const stats = await this.rules.incidentStats([item.id]);
    return toRuleDto(item, stats.get(item.id), this.alerting.snapshot(), principal);
  }

  private async record(
    manager: EntityManager,
    principal: Principal,
    action: string,
    id: string,
    before: AlertRule | null,
    after: AlertRule,
  ): Promise<void> {
    await this.audit.record(
      { actor: principal, action, targetType: 'rule', targetId: id, before, after },
      manager,
    );
    await this.publisher.send(Topic.AlertRules, [ruleMessage(id, after)]);
  }
}

export function readOnlyMessage(id: string, path: string): string {
  return `rule ${id} is predefined in ${path} and read-only: change the file and restart alerting`;
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new BadRequestException('the body must be a JSON object (a rule)');
  return body;
}

/** A body as POST /api/rules takes it: an object, its id generated when absent. */
export function newRuleInput(body: unknown): Record<string, unknown> {
  const input = objectBody(body);
  return { ...input, id: input.id ?? randomUUID() };
}
