/**
 * The `event_counts` rows that a set of event rows adds up to, as a SELECT of
 * (resolution, dimension, bucket, key, event_count): every event counts once per resolution
 * and dimension, except per-minute sources (see the CreateEventCounts migration). Dimension
 * `total` has the single key `all`: every event.
 *
 * `relation` is any table or CTE with `type`, `source` and `severity` columns, aliased `e`;
 * `time` and `count` say which of its columns is the time and how many events a row stands
 * for (`count(*)` for raw events, `sum(e.event_count)` for rollups). The consumer uses it on
 * each batch; the gateway benchmark to derive counts from bulk-loaded rollups.
 */
export function eventCountRowsSql(relation: string, time: string, count: string): string {
  return `
  WITH counted AS (
    SELECT g.resolution, d.dimension, date_trunc(g.resolution, ${time}, 'UTC') AS bucket, d.key,
           ${count} AS event_count
      FROM ${relation} AS e
     CROSS JOIN LATERAL (VALUES ('type', e.type), ('source', e.source),
                                ('severity', e.severity)) AS d(dimension, key)
     CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS g(resolution)
     WHERE g.resolution <> 'minute' OR d.dimension <> 'source'
     GROUP BY 1, 2, 3, 4)
  SELECT resolution, dimension, bucket, key, event_count FROM counted
  UNION ALL
  -- Every event has exactly one severity, so a bucket's total is the sum of its severities:
  -- a few rows per batch, where counting the events once more grouped 3 more rows per event.
  SELECT resolution, 'total', bucket, 'all', sum(event_count)
    FROM counted WHERE dimension = 'severity' GROUP BY resolution, bucket`;
}
