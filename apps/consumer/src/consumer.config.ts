import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import {
  ConsumerGroupIdSetting,
  ConsumerNotificationsGroupIdSetting,
  DatabaseServiceConfig,
  DEFAULT_CONSUMER_GROUP_ID,
  Env,
  EventIdSecretSetting,
  notificationsGroupIdOf,
  ToNumber,
} from '@app/config';
import { DEFAULT_EVENT_LIMITS } from '@app/contracts';
import { DEFAULT_RETENTION, RetentionSettings } from '@app/database';

/** A century: far beyond any retention, and within what dates can count in days. */
const MAX_RETENTION_DAYS = 36_500;

/**
 * Hour and day counts must be kept at least as long as the events: analytics read them for
 * any range, and past the events retention they are all that is left (docs/api.md).
 */
const KeptAtLeastAsLongAsEvents = () =>
  ValidateBy({
    name: 'keptAtLeastAsLongAsEvents',
    validator: {
      validate: (days: unknown, args) => {
        const events = (args!.object as ConsumerConfig).eventsRetentionDays;
        return days === 0 || (events !== 0 && Number(days) >= events);
      },
      defaultMessage: () =>
        'must be 0 (for ever) or at least EVENTS_RETENTION_DAYS, which must not be 0 then',
    },
  });

export class ConsumerConfig extends DatabaseServiceConfig implements RetentionSettings {
  @Env('CONSUMER_PORT', 'HTTP port of the consumer (health, metrics)')
  override port = 3001;

  @ConsumerGroupIdSetting()
  groupId = DEFAULT_CONSUMER_GROUP_ID;

  /**
   * Its own group, so a burst of events never delays incident updates and each pipeline's
   * offsets are managed apart.
   */
  @ConsumerNotificationsGroupIdSetting()
  notificationsGroupId = '';

  /**
   * Three statements at once keep PostgreSQL's share of two cores busy; six (every partition
   * of the events topic at once) drained no faster (51,000-54,000 events/s against
   * 55,000-56,000, bench:pipeline 2026-12-05).
   */
  @Env('CONSUMER_CONCURRENCY', 'Partitions processed at once by one consumer process')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(64)
  partitionsConsumedConcurrently = 3;

  /**
   * 1 MiB batches in 6 MiB fetches drained a backlog as fast as 2 MiB in 12 MiB (57,200
   * against 55,800 events/s, two runs each, within noise) in 200 MiB of RSS instead of 250-260
   * (bench:pipeline, docs/benchmarks.md). A batch is then ~3,900 events, one statement of
   * ~150 ms.
   */
  @Env('CONSUMER_MAX_BATCH_BYTES', 'Most bytes fetched per partition per batch')
  @ToNumber()
  @IsInt()
  @Min(64 * 1024)
  maxBytesPerPartition = 1024 * 1024;

  /**
   * kafkajs holds one fetch per broker until every batch of it is stored, so this bounds what
   * the consumer holds in flight: the messages, their decoded rows and the statements'
   * parameters, several times the fetched bytes in memory.
   */
  @Env(
    'CONSUMER_MAX_FETCH_BYTES',
    'Most bytes of one fetch, all partitions together: what the consumer holds in flight per broker',
  )
  @ToNumber()
  @IsInt()
  @Min(64 * 1024)
  maxFetchBytes = 6 * 1024 * 1024;

  /**
   * Set in V8 at start-up (see heap-growth.ts). V8's own heuristics let the heap grow to about
   * three times what a full collection kept before the next one: a consumer draining a backlog
   * turns over its batches' memory fast, and peaked at 410-440 MiB for 80 MiB of live heap.
   * At 50 a 500,000-event drain peaks at ~200 MiB for ~2 µs more CPU per event in the
   * collector; 100 gives ~230 MiB for ~1 µs (bench:pipeline, docs/benchmarks.md).
   */
  @Env(
    'CONSUMER_HEAP_GROWTH_PERCENT',
    "How far V8's heap may grow past what its last full garbage collection kept, in % (0: V8's own heuristics)",
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(1000)
  heapGrowthPercent = 50;

  @Env('EVENT_MAX_MESSAGE_BYTES', 'Largest accepted event message; larger ones are dead-lettered')
  @ToNumber()
  @IsInt()
  @Min(1024)
  maxMessageBytes = DEFAULT_EVENT_LIMITS.maxMessageBytes;

  @Env(
    'EVENT_MAX_PAYLOAD_BYTES',
    'Largest accepted event payload (as JSON); larger ones are dead-lettered',
  )
  @ToNumber()
  @IsInt()
  @Min(64)
  maxPayloadBytes = DEFAULT_EVENT_LIMITS.maxPayloadBytes;

  @EventIdSecretSetting()
  eventIdSecret = '';

  @Env(
    'CONSUMER_SESSION_TIMEOUT_MS',
    'How long a silent consumer keeps its partitions before the group rebalances',
  )
  @ToNumber()
  @IsInt()
  @Min(6000)
  @Max(300000)
  sessionTimeoutMs = 30000;

  @Env(
    'CONSUMER_RETRY_MAX_MS',
    'Longest wait between retries while PostgreSQL or Kafka is unavailable',
  )
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(60000)
  retryMaxDelayMs = 10000;

  @Env(
    'EVENTS_RETENTION_DAYS',
    'Days events are kept, with their per-minute rollups and counts: older day partitions are dropped (0: for ever)',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_DAYS)
  eventsRetentionDays = DEFAULT_RETENTION.eventsRetentionDays;

  @Env(
    'EVENTS_PARTITIONS_AHEAD_DAYS',
    'Day partitions of events made ahead of today by each retention pass',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(366)
  partitionsAheadDays = DEFAULT_RETENTION.partitionsAheadDays;

  @Env(
    'COUNTS_RETENTION_DAYS',
    'Days the hour and day event counts are kept (0: for ever; else at least EVENTS_RETENTION_DAYS)',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_DAYS)
  @KeptAtLeastAsLongAsEvents()
  countsRetentionDays = DEFAULT_RETENTION.countsRetentionDays;

  @Env(
    'INCIDENTS_RETENTION_DAYS',
    'Days resolved incidents are kept after their resolution, with their deliveries (0: for ever); open ones always',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_DAYS)
  incidentsRetentionDays = DEFAULT_RETENTION.incidentsRetentionDays;

  @Env(
    'DELIVERIES_RETENTION_DAYS',
    'Days delivery records are kept, whatever their incident (0: for ever)',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(MAX_RETENTION_DAYS)
  deliveriesRetentionDays = DEFAULT_RETENTION.deliveriesRetentionDays;

  @Env(
    'RETENTION_INTERVAL_SECONDS',
    'Seconds between two retention passes (partitions ahead, expired data); one also runs at start-up',
  )
  @ToNumber()
  @IsInt()
  @Min(60)
  @Max(86400)
  retentionIntervalSeconds = 3600;

  /** The notifications pipeline's consumer group: the setting, or derived from `groupId`. */
  effectiveNotificationsGroupId(): string {
    return notificationsGroupIdOf(this.groupId, this.notificationsGroupId);
  }
}
