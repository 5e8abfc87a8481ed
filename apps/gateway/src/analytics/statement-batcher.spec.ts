import { StatementBatcher } from './statement-batcher';

describe('StatementBatcher', () => {
  const recorder = (answer: (sql: string, params: unknown[]) => unknown[]) => {
    const statements: { sql: string; params: unknown[] }[] = [];
    const batcher = new StatementBatcher((sql, params) => {
      statements.push({ sql, params });
      return Promise.resolve(answer(sql, params));
    });
    return { batcher, statements };
  };

  it('sends a lone query as it is', async () => {
    const { batcher, statements } = recorder(() => [{ n: 1 }]);
    expect(await batcher.query('SELECT $1 AS n', [1])).toEqual([{ n: 1 }]);
    expect(statements).toEqual([{ sql: 'SELECT $1 AS n', params: [1] }]);
  });

  it('sends the queries of one turn as one statement and hands each its own rows', async () => {
    const { batcher, statements } = recorder(() => [
      { part: 1, row: { b: 'x' } },
      { part: 0, row: { a: 1 } },
      { part: 1, row: { b: 'y' } },
    ]);
    const [first, second] = await Promise.all([
      batcher.query('SELECT a FROM t WHERE a > $1 AND a < $2', [0, 9]),
      batcher.query('SELECT b FROM u WHERE b = $1 OR b = $2', ['x', 'y']),
    ]);
    expect(first).toEqual([{ a: 1 }]);
    expect(second).toEqual([{ b: 'x' }, { b: 'y' }]);
    expect(statements).toEqual([
      {
        sql:
          'SELECT 0 AS part, row_to_json(q) AS row FROM (SELECT a FROM t WHERE a > $1 AND a < $2) AS q' +
          ' UNION ALL SELECT 1 AS part, row_to_json(q) AS row FROM (SELECT b FROM u WHERE b = $3 OR b = $4) AS q',
        params: [0, 9, 'x', 'y'],
      },
    ]);
  });

  it('gives a query with no rows an empty answer, and a later turn its own statement', async () => {
    const { batcher, statements } = recorder(() => [{ part: 0, row: { a: 1 } }]);
    const both = await Promise.all([batcher.query('SELECT 1', []), batcher.query('SELECT 2', [])]);
    expect(both).toEqual([[{ a: 1 }], []]);
    await batcher.query('SELECT 3', []);
    expect(statements).toHaveLength(2);
  });

  it('fails every query of a statement that fails', async () => {
    const batcher = new StatementBatcher(() => Promise.reject(new Error('connection lost')));
    const results = await Promise.allSettled([
      batcher.query('SELECT 1', []),
      batcher.query('SELECT 2', []),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
