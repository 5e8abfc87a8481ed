type Run = (sql: string, params: unknown[]) => Promise<unknown[]>;

interface Pending {
  sql: string;
  params: unknown[];
  resolve: (rows: unknown[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends the queries issued in one turn of the event loop (the parts of one analytics answer)
 * to the database as one statement. A round trip costs the gateway's one thread ~0.3 ms of
 * system calls on a virtual machine, more than most of these queries cost the database, and a
 * summary would otherwise make four to seven of them.
 *
 * Each query becomes a subquery of a UNION ALL whose rows come back as JSON, tagged with the
 * query they belong to, so rows keep their columns but not their order: give each query
 * without an ORDER BY that matters. Placeholders are renumbered, so the SQL may hold `$`
 * only in placeholders. When the statement fails, every query in it fails with that error.
 */
export class StatementBatcher {
  private pending: Pending[] = [];

  constructor(private readonly run: Run) {}

  query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending.push({ sql, params, resolve, reject });
      if (this.pending.length === 1) queueMicrotask(() => void this.flush());
    }) as Promise<T[]>;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 1) {
      const [only] = batch;
      await this.run(only.sql, only.params).then(only.resolve, only.reject);
      return;
    }
    const params: unknown[] = [];
    const parts = batch.map(({ sql, params: own }, part) => {
      const offset = params.length;
      params.push(...own);
      const renumbered = sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
      return `SELECT ${part} AS part, row_to_json(q) AS row FROM (${renumbered}) AS q`;
    });
    try {
      const rows = (await this.run(parts.join(' UNION ALL '), params)) as {
        part: number;
        row: unknown;
      }[];
      const byPart = batch.map((): unknown[] => []);
      for (const { part, row } of rows) byPart[part].push(row);
      batch.forEach(({ resolve }, part) => resolve(byPart[part]));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
