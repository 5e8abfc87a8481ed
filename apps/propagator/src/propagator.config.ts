import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Env, HttpConfig, ToBoolean, ToNumber } from '@app/config';
import { defaultEventsFile } from './templates/default-events-file';

export const SINKS = ['kafka', 'http'] as const;
export type Sink = (typeof SINKS)[number];

/** Kafka's own rule for topic names. */
const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

export class PropagatorConfig extends HttpConfig {
  @Env('PROPAGATOR_PORT', 'HTTP port of the propagator (health, metrics); 0 picks a free one')
  override port = 3003;

  @Env('PROPAGATOR_EVENTS_FILE', 'JSON file of event templates')
  @IsString()
  @MinLength(1)
  eventsFile = defaultEventsFile();

  @Env('PROPAGATOR_INTERVAL_MS', 'Interval mode: milliseconds between two events of one source')
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  intervalMs = 1000;

  @Env('PROPAGATOR_SOURCES', 'Simulated sources (message keys) publishing concurrently')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  sources = 7;

  @Env('PROPAGATOR_SOURCE_PREFIX', 'Source ids are this prefix followed by 1..sources')
  @IsString()
  @MaxLength(100)
  // The contract forbids control characters in a source; keep ids shell- and URL-friendly too.
  @Matches(/^[A-Za-z0-9._:/-]*$/, {
    message: 'may contain only letters, digits and . _ : / -',
  })
  sourcePrefix = 'client-';

  @Env(
    'PROPAGATOR_RATE',
    'Rate mode: events per second across all sources (0 = as fast as possible)',
  )
  @IsOptional()
  @ToNumber()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10_000_000)
  rate: number | undefined;

  @Env('PROPAGATOR_COUNT', 'Rate mode: stop after exactly this many events, then exit')
  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  count: number | undefined;

  @Env('PROPAGATOR_TOPIC', 'Topic to publish to instead of <KAFKA_TOPIC_PREFIX>events')
  @IsOptional()
  @Matches(TOPIC_PATTERN, { message: 'must be 1 to 249 letters, digits, ".", "_" or "-"' })
  topic: string | undefined;

  @Env(
    'PROPAGATOR_HOST_METRICS',
    'Publish CPU, memory, disk and load of this host (default: on in interval mode, off in rate mode)',
  )
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  hostMetrics: boolean | undefined;

  @Env('PROPAGATOR_HOST_METRICS_INTERVAL_MS', 'Milliseconds between two host metric samples')
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  hostMetricsIntervalMs = 10000;

  @Env('PROPAGATOR_DISK_PATH', 'Any path on the file system whose disk usage is reported')
  @IsString()
  @MinLength(1)
  diskPath = '/';

  @Env(
    'PROPAGATOR_MAX_IN_FLIGHT',
    'Batches being sent at once per producer; generation waits beyond this. Above 1, a batch the client retries can land after a later one, reordering a source',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(64)
  // 1 keeps each source's events in order even when kafkajs retries a send (it gives a
  // retried request new sequence numbers, so a later batch may overtake it). It costs little:
  // an idempotent kafkajs producer sends one request at a time per broker anyway, and rate
  // mode gets its concurrency from worker threads, each with its own producer.
  maxInFlight = 1;

  @Env(
    'PROPAGATOR_WORKERS',
    'Rate mode: threads generating and sending, each with its own producer and share of the sources',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(16)
  workers = 2;

  @Env('PROPAGATOR_BATCH_SIZE', 'Rate mode: most events per Kafka send')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  // Measured best on a 2-core host: kafkajs groups a batch by partition copying the array
  // once per message, so its cost per event grows with the batch; below ~500 the per-request
  // overhead takes over.
  batchSize = 500;

  @Env(
    'PROPAGATOR_SINK',
    'Where events go: kafka (the events topic) or http (POSTed to PROPAGATOR_HTTP_ENDPOINT); default kafka, or http when an endpoint is set',
  )
  @IsOptional()
  @IsIn(SINKS, { message: `must be one of ${SINKS.join(', ')}` })
  sink: Sink | undefined;

  @Env(
    'PROPAGATOR_HTTP_ENDPOINT',
    "HTTP sink: URL events are POSTed to; a path ending in /event gets the legacy {event_type, event_payload} body, one event a request, any other path a JSON array of events (the gateway's /api/events)",
  )
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  endpoint: string | undefined;

  @Env(
    'PROPAGATOR_API_KEY',
    'HTTP sink: API key with the ingest role, sent as X-API-Key; a secret, so environment only (no flag)',
  )
  @IsOptional()
  @IsString()
  apiKey: string | undefined;

  @Env('PROPAGATOR_HTTP_TIMEOUT_MS', 'HTTP sink: milliseconds one request may take before it fails')
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(600_000)
  httpTimeoutMs = 5000;

  @Env(
    'PROPAGATOR_SHUTDOWN_TIMEOUT_MS',
    'On SIGTERM, how long to wait for pending sends before giving up on them',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(600_000)
  shutdownTimeoutMs = 15000;
}

/** The http sink needs an endpoint; setting one without a sink picks http. */
export function sinkOf(config: PropagatorConfig): Sink {
  return config.sink ?? (config.endpoint !== undefined ? 'http' : 'kafka');
}

/** What loadConfig cannot check property by property: the http sink needs an endpoint. */
export function sinkProblems(config: PropagatorConfig): string[] {
  if (sinkOf(config) === 'http' && config.endpoint === undefined) {
    return ['PROPAGATOR_SINK (--sink) is http: set PROPAGATOR_HTTP_ENDPOINT (--endpoint) too'];
  }
  return [];
}

export enum Mode {
  /** Every source publishes one event per interval: a steady, realistic trickle. */
  Interval = 'interval',
  /** A total rate (or as fast as possible), optionally a fixed count: a load generator. */
  Rate = 'rate',
}

export interface RunPlan {
  mode: Mode;
  /** Events per second across all sources; 0 means unlimited. Rate mode only. */
  rate: number;
  /** Stop after this many events. Rate mode only. */
  count: number | undefined;
  hostMetrics: boolean;
}

/** Setting a rate or a count switches to rate mode; host metrics follow the mode unless set. */
export function runPlan(config: PropagatorConfig): RunPlan {
  const mode = config.rate !== undefined || config.count !== undefined ? Mode.Rate : Mode.Interval;
  return {
    mode,
    rate: config.rate ?? 0,
    count: config.count,
    hostMetrics: config.hostMetrics ?? mode === Mode.Interval,
  };
}
