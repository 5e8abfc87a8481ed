import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../auth';

/** One row of `api_keys`: everything but the digest, which only the key cache reads. */
export interface ManagedKeyRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What a gateway needs to authenticate with a key: its digest and whether it still may. */
export interface ManagedKeyCredential {
  id: string;
  role: Role;
  hash: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface NewKeyRow {
  id: string;
  name: string;
  role: Role;
  hash: string;
  prefix: string;
  createdBy: string;
  expiresAt: Date | null;
}

const COLUMNS = `id, name, role, prefix, created_at AS "createdAt", created_by AS "createdBy",
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

@Injectable()
export class ManagedKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(manager: EntityManager, key: NewKeyRow): Promise<ManagedKeyRow> {
    const rows = await manager.query<ManagedKeyRow[]>(
      `INSERT INTO api_keys (id, name, role, key_hash, prefix, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [key.id, key.name, key.role, key.hash, key.prefix, key.createdBy, key.expiresAt],
    );
    return rows[0];
  }

  /** Newest first: the keys an operator made last are the ones they look for. */
  list(): Promise<ManagedKeyRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager) {
    const lock = manager.queryRunner?.isTransactionActive ? 'FOR UPDATE' : '';
    const rows = await manager.query<ManagedKeyRow[]>(
      `SELECT ${COLUMNS} FROM api_keys WHERE id = $1 ${lock}`,
      [id],
    );
    return rows[0] as ManagedKeyRow | undefined;
  }

  async revoke(manager: EntityManager, id: string): Promise<ManagedKeyRow> {
    const rows = await manager.query<[ManagedKeyRow[], number]>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0][0];
  }

  /** Every key, revoked and expired ones too, so a refusal can say why. */
  credentials(): Promise<ManagedKeyCredential[]> {
    return this.dataSource.query(
      `SELECT id, role, key_hash AS hash, expires_at AS "expiresAt", revoked_at AS "revokedAt"
       FROM api_keys`,
    );
  }

  /** One statement for the whole batch; never moves a key's last use backwards. */
  async recordUse(uses: ReadonlyMap<string, Date>): Promise<void> {
    if (uses.size === 0) return;
    await this.dataSource.query(
      `UPDATE api_keys k SET last_used_at = u.at
       FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
       WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
      [[...uses.keys()], [...uses.values()].map((at) => at.toISOString())],
    );
  }
}
