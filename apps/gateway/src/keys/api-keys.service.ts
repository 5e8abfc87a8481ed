import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { ApiKeys, keyState, newManagedKey, Principal } from '../auth';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';
import { expiryOf } from './key-expiry';
import { ManagedKeyCache } from './managed-key-cache';
import { ManagedKeyRow, ManagedKeysRepository } from './managed-keys.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/**
 * API keys made and revoked through the API, each change audited in its transaction. After
 * the commit this gateway reloads its keys before answering, so a key it just made works
 * and one it just revoked is refused at once; the others hear of it by notification.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ManagedKeysRepository,
    private readonly cache: ManagedKeyCache,
    private readonly bootstrap: ApiKeys,
    private readonly audit: AuditRepository,
  ) {}

  async create(input: CreateApiKeyDto, principal: Principal): Promise<CreatedApiKeyDto> {
    const expiresAt = expiryOf(input, new Date());
    const made = newManagedKey();
    const row = await this.keys.transaction(async (manager) => {
      const inserted = await this.keys.insert(manager, {
        id: randomUUID(),
        name: input.name,
        role: input.role,
        hash: made.hash,
        prefix: made.prefix,
        createdBy: principal.id,
        expiresAt,
      });
      await this.record(manager, principal, 'api-key.created', null, inserted);
      return inserted;
    });
    await this.cache.reload();
    return { ...this.toDto(row), key: made.key };
  }

  /** Every key that can authenticate or once could: those of API_KEYS first. */
  async list(): Promise<ApiKeyDto[]> {
    const rows = await this.keys.list();
    return [...this.bootstrapKeys(), ...rows.map((row) => this.toDto(row))];
  }

  async get(id: string): Promise<ApiKeyDto> {
    const bootstrap = this.bootstrapKeys().find((key) => key.id === id);
    if (bootstrap) return bootstrap;
    const row = UUID.test(id) ? await this.keys.findById(id) : undefined;
    if (!row) throw new NotFoundException(`no API key with id ${id}`);
    return this.toDto(row);
  }

  /** Revoking a revoked key changes nothing and is not audited again. */
  async revoke(id: string, principal: Principal): Promise<void> {
    if (this.bootstrapKeys().some((key) => key.id === id)) {
      throw new ConflictException(
        `${id} is a key of API_KEYS: remove it from API_KEYS and restart the gateways to revoke it`,
      );
    }
    if (!UUID.test(id)) throw new NotFoundException(`no API key with id ${id}`);
    await this.keys.transaction(async (manager) => {
      const row = await this.keys.findById(id, manager);
      if (!row) throw new NotFoundException(`no API key with id ${id}`);
      if (row.revokedAt !== null) return;
      if (principal.keyId === id) {
        // An admin revoking the key of their own request could lock everyone out.
        throw new ConflictException(
          'this request is authenticated with the key it revokes: revoke it with another admin key',
        );
      }
      const revoked = await this.keys.revoke(manager, id);
      await this.record(manager, principal, 'api-key.revoked', row, revoked);
    });
    await this.cache.reload();
  }

  private bootstrapKeys(): ApiKeyDto[] {
    return this.bootstrap.principals.map((key) => ({
      id: key.id,
      origin: 'environment',
      name: null,
      role: key.role,
      principalId: key.id,
      prefix: null,
      state: 'active',
      createdAt: null,
      createdBy: null,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    }));
  }

  private toDto(row: ManagedKeyRow): ApiKeyDto {
    return {
      id: row.id,
      origin: 'api',
      name: row.name,
      role: row.role,
      principalId: this.bootstrap.managedPrincipal(row.role, row.id).id,
      prefix: row.prefix,
      state: keyState(row, new Date()),
      createdAt: iso(row.createdAt),
      createdBy: row.createdBy,
      expiresAt: iso(row.expiresAt),
      lastUsedAt: iso(row.lastUsedAt),
      revokedAt: iso(row.revokedAt),
    };
  }

  /** Names and dates only: neither the key nor its digest goes into the audit log. */
  private async record(
    manager: EntityManager,
    principal: Principal,
    action: string,
    before: ManagedKeyRow | null,
    after: ManagedKeyRow,
  ): Promise<void> {
    const audited = (row: ManagedKeyRow | null) =>
      row && {
        name: row.name,
        role: row.role,
        prefix: row.prefix,
        expiresAt: iso(row.expiresAt),
        revokedAt: iso(row.revokedAt),
      };
    await this.audit.record(
      {
        actor: principal,
        action,
        targetType: 'api-key',
        targetId: after.id,
        before: audited(before),
        after: audited(after),
      },
      manager,
    );
  }
}
