import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AlertRule, RULE_LIMITS, Topic } from '@app/contracts';
import { AlertRuleEntity } from '@app/database';
import { AuditRepository } from '../audit/audit.repository';
import type { Principal } from '../auth';
import { decodeCursor, Page, toPage } from '../common/page';
import { TopicPublisher } from '../kafka/topic-publisher';
import { ruleAsSeenBy } from './channel-redaction';
import { mergePatch } from './merge-patch';
import { withActivation } from './rule-activation';
import { ruleMessage } from './rule-topic-sync';
import { RuleValidator } from './rule-validator';
import { RuleDto, RuleQueryDto } from './rules.dto';
import { RulesRepository } from './rules.repository';

const isIdKey = (key: unknown[]): key is [string] =>
  key.length === 1 && typeof key[0] === 'string' && RULE_LIMITS.idPattern.test(key[0]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Rule changes: validated as the alerting app validates, written with their audit entry in
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
  ) {}

  /** Rules as `principal` may see them: channel URLs redacted for non-admins. */
  async list(query: RuleQueryDto, principal: Principal): Promise<Page<RuleDto>> {
    const afterId = query.cursor ? decodeCursor(query.cursor, isIdKey)[0] : undefined;
    const rows = await this.rules.list({ enabled: query.enabled, afterId, limit: query.limit });
    return toPage(
      rows,
      query.limit,
      (row) => toRuleDto(row, principal),
      (row) => [row.id],
    );
  }

  async get(id: string, principal: Principal): Promise<RuleDto> {
    const row = await this.rules.findById(id);
    if (!row) throw new NotFoundException(`no rule with id ${id}`);
    return toRuleDto(row, principal);
  }

  async create(body: unknown, principal: Principal): Promise<RuleDto> {
    const validated = await this.validator.validate(newRuleInput(body));
    return this.rules.transaction(async (manager) => {
      const rule = withActivation(validated, null, new Date());
      if (await this.rules.findForUpdate(manager, rule.id)) {
        throw new ConflictException(`a rule with id ${rule.id} exists: PUT or PATCH it instead`);
      }
      const row = await this.rules.insert(manager, rule);
      await this.record(manager, principal, 'rule.created', rule.id, null, rule);
      return toRuleDto(row);
    });
  }

  async replace(id: string, body: unknown, principal: Principal): Promise<RuleDto> {
    const input = objectBody(body);
    if (input.id !== undefined && input.id !== id) {
      throw new BadRequestException(`the body's id ${JSON.stringify(input.id)} is not ${id}`);
    }
    const rule = await this.validator.validate({ ...input, id });
    return this.change(id, principal, () => rule);
  }

  async patch(id: string, body: unknown, principal: Principal): Promise<RuleDto> {
    const patch = objectBody(body);
    if (patch.id !== undefined && patch.id !== id) {
      throw new BadRequestException('a rule id cannot be changed');
    }
    return this.change(id, principal, (current) =>
      this.validator.validate(mergePatch(current, { ...patch, id })),
    );
  }

  async remove(id: string, principal: Principal): Promise<void> {
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

  private change(
    id: string,
    principal: Principal,
    next: (current: AlertRule) => AlertRule | Promise<AlertRule>,
  ): Promise<RuleDto> {
    return this.rules.transaction(async (manager) => {
      const row = await this.rules.findForUpdate(manager, id);
      if (!row) throw new NotFoundException(`no rule with id ${id}`);
      const before = row.definition;
      const rule = withActivation(await next(before), before, new Date());
      const saved = await this.rules.update(manager, row, rule);
      await this.record(manager, principal, 'rule.updated', id, before, rule);
      return toRuleDto(saved);
    });
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

export function objectBody(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new BadRequestException('the body must be a JSON object (a rule)');
  return body;
}

/** A body as POST /api/rules takes it: an object, its id generated when absent. */
export function newRuleInput(body: unknown): Record<string, unknown> {
  const input = objectBody(body);
  return { ...input, id: input.id ?? randomUUID() };
}

/** Changes are admin-only, so their answers show the whole rule. */
function toRuleDto(row: AlertRuleEntity, principal?: Principal): RuleDto {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    definition: principal ? ruleAsSeenBy(row.definition, principal) : row.definition,
  };
}
