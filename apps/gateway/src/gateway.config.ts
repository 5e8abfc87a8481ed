import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import {
  AlertingDispatchGroupIdSetting,
  AlertingGroupIdSetting,
  CommaSeparated,
  ConsumerGroupIdSetting,
  ConsumerNotificationsGroupIdSetting,
  DEFAULT_ALERTING_DISPATCH_GROUP_ID,
  DEFAULT_ALERTING_GROUP_ID,
  DEFAULT_CONSUMER_GROUP_ID,
  DatabaseServiceConfig,
  Env,
  NotifyAllowedHostsSetting,
  NotifyAllowedPortsSetting,
  ToBoolean,
  ToNumber,
} from '@app/config';
import { API_KEY_ENTRY_PATTERN } from './auth/api-keys';

export class GatewayConfig extends DatabaseServiceConfig {
  @Env('GATEWAY_PORT', 'HTTP port of the gateway (REST API, docs, dashboard)')
  override port = 3000;

  // Serves concurrent API requests, where the consumer runs a few batches at a time.
  override databasePoolSize = 10;

  @Env(
    'API_KEYS',
    'Comma-separated key=role pairs (roles: read, ingest, admin); keys of at least 16 characters',
  )
  @CommaSeparated()
  @Matches(API_KEY_ENTRY_PATTERN, {
    each: true,
    // Never echo a key back: the message names the rule, not the value.
    message:
      'each entry must be key=role with a key of 16 to 256 characters (letters, digits, . _ ~ -) and a role of read, ingest or admin',
  })
  apiKeys: string[] = [];

  @Env(
    'GATEWAY_FINGERPRINT_SECRET',
    'Secret keying the API key fingerprints that the audit log and incidents name callers by (empty: a random one kept in the database, shared by every replica)',
  )
  @IsString()
  fingerprintSecret = '';

  @Env(
    'GATEWAY_KEYS_RELOAD_MS',
    'Milliseconds between two reloads of the API keys made through /api/keys; changes arrive at once by PostgreSQL notification, this reload is the safety net should one be lost',
  )
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  apiKeysReloadMs = 1000;

  @Env(
    'GATEWAY_RATE_LIMIT_PER_MINUTE',
    'Requests one client address may make per minute to each route (429 beyond), counted by each gateway process on its own: behind a balancer over N replicas a client may get up to N times this',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute = 1200;

  @Env('GATEWAY_BODY_LIMIT_BYTES', 'Largest request body accepted (larger: 413)')
  @ToNumber()
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  bodyLimitBytes = 1024 * 1024;

  @Env('GATEWAY_MAX_EVENTS_PER_REQUEST', 'Most events one POST /api/events may carry')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  maxEventsPerRequest = 500;

  @Env(
    'GATEWAY_INGEST_DIRECT',
    "Answer POST /api/events, POST /event and GET /api/events ahead of Nest's router, with the same guards, validation, answers and metrics at less CPU per request (false: through Nest's router)",
  )
  @ToBoolean()
  @IsBoolean()
  ingestDirect = true;

  @Env(
    'GATEWAY_INGEST_LINGER_MS',
    'How long a write to Kafka waits for concurrent requests to join its produce request when none is in flight, ending once as many wait as the last one held (0: never waits); requests arriving while one is in flight always join the next',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(1000)
  ingestLingerMs = 2;

  @Env(
    'GATEWAY_INGEST_BATCH_MAX_MESSAGES',
    'Most messages of one produce request that groups concurrent requests (one request is never split)',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  ingestBatchMaxMessages = 2000;

  @Env(
    'GATEWAY_INGEST_BATCH_MAX_BYTES',
    "Most bytes of one produce request that groups concurrent requests; keep it under the topics' max.message.bytes (one request is never split)",
  )
  @ToNumber()
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  ingestBatchMaxBytes = 512 * 1024;

  @Env(
    'GATEWAY_INGEST_MAX_QUEUED_BYTES',
    'Bytes of accepted requests that may wait for Kafka; beyond this a write is answered 503 with Retry-After',
  )
  @ToNumber()
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  ingestMaxQueuedBytes = 16 * 1024 * 1024;

  @Env(
    'GATEWAY_ANALYTICS_CACHE_SECONDS',
    'How long an analytics answer is reused for the same range and filters (0: never)',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(300)
  analyticsCacheSeconds = 5;

  @Env(
    'GATEWAY_ANALYTICS_SETTLED_SECONDS',
    'How long the counts of a bucket that ended over a minute ago are reused by every range that covers it; only events that late can change them (0: never)',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(3600)
  analyticsSettledSeconds = 30;

  @Env(
    'GATEWAY_BACKTEST_CONCURRENCY',
    'Rule backtests running at once in one gateway (each API key: one at a time); more: 429',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100)
  backtestConcurrency = 2;

  @Env(
    'GATEWAY_SSE_MAX_PER_KEY',
    'Live incident connections (GET /api/incidents/stream and /ws together) one API key may hold open at once (more: 429)',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  sseMaxPerKey = 5;

  @Env(
    'GATEWAY_WS_MAX_CLIENTS',
    'Live incident WebSocket clients (/ws) one gateway process holds at once (more: 503 at the upgrade)',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  wsMaxClients = 1000;

  @Env(
    'GATEWAY_WS_MAX_BUFFERED_BYTES',
    'Bytes a live incident WebSocket client may fall behind before it is closed with 1008',
  )
  @ToNumber()
  @IsInt()
  @Min(64 * 1024)
  @Max(64 * 1024 * 1024)
  wsMaxBufferedBytes = 1024 * 1024;

  @Env(
    'GATEWAY_WS_PING_SECONDS',
    'Seconds between pings to each live incident WebSocket client; one that has not answered the previous ping by the next is cut off',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(3600)
  wsPingSeconds = 30;

  @NotifyAllowedHostsSetting()
  notifyAllowedHosts: string[] = [];

  @NotifyAllowedPortsSetting()
  notifyAllowedPorts: string[] = [];

  @Env(
    'GATEWAY_TRUST_PROXY',
    'Addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (empty: none; rate limits use the connecting address)',
  )
  @IsString()
  trustProxy = '';

  // The product's consumer groups, read like the consumer and alerting read them, so that
  // GET /api/status reports the lag of the groups they run.
  @ConsumerGroupIdSetting()
  consumerGroupId = DEFAULT_CONSUMER_GROUP_ID;

  @ConsumerNotificationsGroupIdSetting()
  consumerNotificationsGroupId = '';

  @AlertingGroupIdSetting()
  alertingGroupId = DEFAULT_ALERTING_GROUP_ID;

  @AlertingDispatchGroupIdSetting()
  alertingDispatchGroupId = DEFAULT_ALERTING_DISPATCH_GROUP_ID;
}
