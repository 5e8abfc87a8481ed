import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import {
  AlertingDispatchGroupIdSetting,
  AlertingGroupIdSetting,
  DEFAULT_ALERTING_DISPATCH_GROUP_ID,
  DEFAULT_ALERTING_GROUP_ID,
  Env,
  EventIdSecretSetting,
  HttpConfig,
  NotifyAllowedHostsSetting,
  NotifyAllowedPortsSetting,
  ToNumber,
} from '@app/config';

export class AlertingConfig extends HttpConfig {
  @Env('ALERTING_PORT', 'HTTP port of the alerting service (health, metrics)')
  override port = 3002;

  @AlertingGroupIdSetting()
  groupId = DEFAULT_ALERTING_GROUP_ID;

  @Env(
    'ALERTING_REPARTITION_PARTITIONS',
    'Partitions of the alerting-repartition topic when alerting creates it: they spread the windows of rules not grouped by source over the replicas (read at start-up; more need a restart of every replica)',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  repartitionPartitions = 6;

  @AlertingDispatchGroupIdSetting()
  dispatchGroupId = DEFAULT_ALERTING_DISPATCH_GROUP_ID;

  @Env(
    'ALERTING_RULES_FILE',
    'YAML or JSON file of predefined rules loaded at start-up (empty: none); rules on the alert-rules topic with the same id win',
  )
  @IsString()
  rulesFile = '';

  @Env(
    'ALERTING_STATUS_INTERVAL_MS',
    'How often each replica publishes its status (rules file, windows held per rule) to alerting.status for the gateway, besides right after a rule change; the gateway counts a replica silent for 3 intervals as gone',
  )
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(600_000)
  statusIntervalMs = 5000;

  @Env(
    'ALERTING_GRACE_MS',
    'How long the wall clock waits for delayed events before a window moves on; older events are counted as late',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  graceMs = 5000;

  @Env(
    'ALERTING_MAX_FUTURE_SKEW_MS',
    'Events stamped further than this in the future are ignored by alerting (and counted)',
  )
  @ToNumber()
  @IsInt()
  @Min(0)
  maxFutureSkewMs = 300_000;

  @Env('ALERTING_TICK_MS', 'Wall-clock evaluation interval (fires "fewer than" rules on silence)')
  @ToNumber()
  @IsInt()
  @Min(50)
  @Max(60_000)
  tickMs = 1000;

  @Env(
    'ALERTING_KEY_IDLE_TTL_MS',
    'A group key silent for this long is forgotten, even by a firing "fewer than" rule',
  )
  @ToNumber()
  @IsInt()
  @Min(1000)
  keyIdleTtlMs = 24 * 3600 * 1000;

  @Env(
    'ALERTING_MAX_KEYS_PER_RULE',
    'Group keys one rule tracks at once per replica; events for further keys are not evaluated (counted, and logged once a minute)',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  maxKeysPerRule = 10_000;

  @Env(
    'ALERTING_MAX_INCIDENTS_PER_RULE_PER_MINUTE',
    'Incidents one rule may open per minute per replica; further ones that minute are suppressed, with one incidents.suppressed notice to its channels',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  maxIncidentsPerRulePerMinute = 20;

  @Env(
    'ALERTING_SESSION_TIMEOUT_MS',
    'How long a silent alerting replica keeps its partitions before the group rebalances',
  )
  @ToNumber()
  @IsInt()
  @Min(6000)
  @Max(300000)
  sessionTimeoutMs = 30000;

  @NotifyAllowedHostsSetting()
  notifyAllowedHosts: string[] = [];

  @NotifyAllowedPortsSetting()
  notifyAllowedPorts: string[] = [];

  @EventIdSecretSetting()
  eventIdSecret = '';

  @Env(
    'SMTP_URL',
    'SMTP server for email channels, e.g. smtp://user:pass@host:587 (empty: email disabled)',
  )
  @IsString()
  smtpUrl = '';

  @Env('SMTP_FROM', 'From address of notification emails')
  @IsString()
  @MinLength(3)
  smtpFrom = 'eventmon <alerts@eventmon.local>';

  @Env('PAGERDUTY_EVENTS_URL', 'PagerDuty Events API v2 endpoint')
  @IsString()
  @MinLength(8)
  pagerDutyEventsUrl = 'https://events.pagerduty.com/v2/enqueue';

  @Env('NOTIFY_ATTEMPT_TIMEOUT_MS', 'Time limit of one delivery attempt')
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(300_000)
  notifyAttemptTimeoutMs = 10_000;

  @Env('NOTIFY_MAX_ATTEMPTS', 'Attempts per delivery before it goes to notifications.dlq')
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(20)
  notifyMaxAttempts = 5;

  @Env('NOTIFY_BACKOFF_INITIAL_MS', 'First retry delay (exponential, with full jitter)')
  @ToNumber()
  @IsInt()
  @Min(1)
  notifyBackoffInitialMs = 1000;

  @Env('NOTIFY_BACKOFF_MAX_MS', 'Longest retry delay')
  @ToNumber()
  @IsInt()
  @Min(1)
  notifyBackoffMaxMs = 60_000;

  @Env(
    'NOTIFY_MAX_IN_FLIGHT',
    'Notifications being delivered at once; beyond it the dispatcher stops fetching',
  )
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(100_000)
  notifyMaxInFlight = 500;
}
