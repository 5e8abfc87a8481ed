import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';

/** What the window gauges read when scraped, summed over the replica's engines. */
export interface WindowStats {
  keys: number;
  stateEntries: number;
  /** Bytes of the rules' window arrays, in use or free (AlertEngine.windowArrayBytes). */
  arrayBytes: number;
}

/** What an on-call engineer watches on the alerting service. */
@Injectable()
export class AlertingMetrics {
  readonly rulesLoaded: Gauge;
  readonly rulesRejected: Counter;
  readonly activeIncidents: Gauge;
  readonly eventsEvaluated: Counter;
  readonly eventsSkipped: Counter<'reason'>;
  readonly ruleOutcomes: Counter<'outcome'>;
  readonly evaluationLatency: Histogram;
  readonly lag: Gauge<'topic'>;
  readonly fetchToEvaluated: Histogram;
  readonly evaluatedToAcknowledged: Histogram;
  readonly windowKeys: Gauge;
  readonly windowStateEntries: Gauge;
  readonly windowArrayBytes: Gauge;
  readonly ruleKeys: Gauge<'rule'>;
  readonly pendingKeys: Gauge<'rule'>;
  readonly keysRefused: Counter<'rule'>;
  readonly keysEvicted: Counter<'rule'>;
  readonly incidentsRateLimited: Counter<'rule'>;
  readonly incidents: Counter<'kind'>;
  readonly suppressed: Counter<'reason'>;
  readonly rebuilds: Counter;
  readonly rebuildReplayed: Counter;
  readonly forwardedMatches: Counter;
  readonly forwardedDropped: Counter<'reason'>;
  readonly forwardingLag: Histogram;
  readonly notificationsSent: Counter<'channel'>;
  readonly notificationsFailed: Counter<'channel'>;
  readonly deliveryAttempts: Counter<'channel' | 'outcome'>;
  readonly deliveriesInFlight: Gauge;
  /** Set by the evaluation service: where the window gauges read their values. */
  windowStats?: () => WindowStats;
  /** Set by the evaluation service: the keys each rule holds. */
  keysByRule?: () => Map<string, number>;
  /** Keys per rule whose condition holds but whose forSeconds is not over yet. */
  pendingKeysByRule?: () => Map<string, number>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.rulesLoaded = new Gauge({
      name: 'eventmon_alerting_rules_loaded',
      help: 'Enabled rules in force',
      registers,
    });
    this.rulesRejected = new Counter({
      name: 'eventmon_alerting_rules_rejected_total',
      help: 'Rule records refused (invalid, or a channel URL not allowed)',
      registers,
    });
    this.activeIncidents = new Gauge({
      name: 'eventmon_alerting_active_incidents',
      help: 'Incidents open or acknowledged',
      registers,
    });
    this.eventsEvaluated = new Counter({
      name: 'eventmon_alerting_events_evaluated_total',
      help: 'Valid events read from the events topic and matched against the rules',
      registers,
    });
    this.eventsSkipped = new Counter({
      name: 'eventmon_alerting_events_skipped_total',
      help: 'Messages alerting could not use (invalid, or undecodable: decoding threw); the consumer dead-letters them',
      labelNames: ['reason'],
      registers,
    });
    this.ruleOutcomes = new Counter({
      name: 'eventmon_alerting_rule_matches_total',
      help: 'Event x matching rule outcomes: applied, late (older than its window + grace) or future (clock skew)',
      labelNames: ['outcome'],
      registers,
    });
    this.evaluationLatency = new Histogram({
      name: 'eventmon_alerting_evaluation_seconds',
      help: 'Time to evaluate one batch of events against every rule',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.lag = new Gauge({
      name: 'eventmon_alerting_lag_seconds',
      help: 'Age of the newest record of the last batch evaluated from the topic (now - its Kafka timestamp): alerting falling behind that topic, whatever holds it up',
      // One series per topic read: events, and the repartition topic's forwarded matches.
      labelNames: ['topic'],
      registers,
    });
    const stageBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    this.fetchToEvaluated = new Histogram({
      name: 'eventmon_alerting_fetch_to_evaluated_seconds',
      help: 'From the arrival of the fetch response holding a batch to the end of its evaluation (waiting behind other batches included)',
      buckets: stageBuckets,
      registers,
    });
    this.evaluatedToAcknowledged = new Histogram({
      name: 'eventmon_alerting_evaluated_to_acknowledged_seconds',
      help: "From the end of a batch's evaluation to the broker's acknowledgement of the lifecycle messages it decided",
      buckets: stageBuckets,
      registers,
    });
    const windows = () => this.windowStats?.() ?? { keys: 0, stateEntries: 0, arrayBytes: 0 };
    // Read when scraped: counting the state walks every key, too slow to do per batch.
    this.windowKeys = new Gauge({
      name: 'eventmon_alerting_window_keys',
      help: 'Active (rule, group key) windows held in memory',
      registers,
      collect() {
        this.set(windows().keys);
      },
    });
    this.windowStateEntries = new Gauge({
      name: 'eventmon_alerting_window_state_entries',
      help: 'Timestamps, slots and accumulators held by all windows',
      registers,
      collect() {
        this.set(windows().stateEntries);
      },
    });
    this.windowArrayBytes = new Gauge({
      name: 'eventmon_alerting_window_array_bytes',
      help: 'Bytes of the typed arrays the windows keep their numbers in (outside the JS heap), in use or free for the next keys of any rule: after a burst of keys it may stay near its peak, as an array is freed only once none of its blocks is in use',
      registers,
      collect() {
        this.set(windows().arrayBytes);
      },
    });
    const keysByRule = () => this.keysByRule?.() ?? new Map<string, number>();
    this.ruleKeys = new Gauge({
      name: 'eventmon_alerting_rule_keys',
      help: 'Active group keys per rule (capped by ALERTING_MAX_KEYS_PER_RULE)',
      labelNames: ['rule'],
      registers,
      collect() {
        // Reset first: a deleted rule's series must not stay at its last value.
        this.reset();
        for (const [rule, keys] of keysByRule()) this.set({ rule }, keys);
      },
    });
    const pendingKeysByRule = () => this.pendingKeysByRule?.() ?? new Map<string, number>();
    this.pendingKeys = new Gauge({
      name: 'eventmon_alerting_pending_keys',
      help: 'Group keys per rule whose condition holds but has not held forSeconds yet',
      labelNames: ['rule'],
      registers,
      collect() {
        this.reset();
        for (const [rule, keys] of pendingKeysByRule()) this.set({ rule }, keys);
      },
    });
    this.keysRefused = new Counter({
      name: 'eventmon_alerting_keys_refused_total',
      help: 'Events not evaluated because their rule already tracks ALERTING_MAX_KEYS_PER_RULE keys',
      labelNames: ['rule'],
      registers,
    });
    this.keysEvicted = new Counter({
      name: 'eventmon_alerting_keys_evicted_total',
      help: 'Group keys forgotten: window empty and no incident open, or silent past ALERTING_KEY_IDLE_TTL_MS',
      labelNames: ['rule'],
      registers,
    });
    this.incidentsRateLimited = new Counter({
      name: 'eventmon_alerting_incidents_rate_limited_total',
      help: 'Incidents not opened because their rule opened ALERTING_MAX_INCIDENTS_PER_RULE_PER_MINUTE in the minute',
      labelNames: ['rule'],
      registers,
    });
    this.incidents = new Counter({
      name: 'eventmon_alerting_incidents_total',
      help: 'Lifecycle messages published by alerting',
      labelNames: ['kind'],
      registers,
    });
    this.suppressed = new Counter({
      name: 'eventmon_alerting_transitions_suppressed_total',
      help: 'Condition changes that produced no message (already open, cooldown, ...)',
      labelNames: ['reason'],
      registers,
    });
    this.rebuilds = new Counter({
      name: 'eventmon_alerting_rebuilds_total',
      help: 'Window rebuilds by replay after a partition assignment',
      registers,
    });
    this.rebuildReplayed = new Counter({
      name: 'eventmon_alerting_rebuild_replayed_events_total',
      help: 'Events replayed to rebuild windows',
      registers,
    });
    this.forwardedMatches = new Counter({
      name: 'eventmon_alerting_forwarded_matches_total',
      help: 'Matches of rules not grouped by source forwarded to the replica holding their window (alerting-repartition)',
      registers,
    });
    this.forwardedDropped = new Counter({
      name: 'eventmon_alerting_forwarded_dropped_total',
      help: 'Forwarded matches not evaluated: duplicate (forwarded again after a restart), rule-changed (made under another version of the rule), not-held (rule unknown or held elsewhere), invalid or undecodable',
      labelNames: ['reason'],
      registers,
    });
    this.forwardingLag = new Histogram({
      name: 'eventmon_alerting_forwarding_lag_seconds',
      help: 'From an event reaching the events topic to its forwarded match being evaluated by the replica holding its window',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.notificationsSent = new Counter({
      name: 'eventmon_alerting_notifications_sent_total',
      help: 'Lifecycle messages delivered, by channel type',
      labelNames: ['channel'],
      registers,
    });
    this.notificationsFailed = new Counter({
      name: 'eventmon_alerting_notifications_failed_total',
      help: 'Deliveries that failed after every attempt (sent to notifications.dlq), by channel type',
      labelNames: ['channel'],
      registers,
    });
    this.deliveryAttempts = new Counter({
      name: 'eventmon_alerting_delivery_attempts_total',
      help: 'Delivery attempts by channel type and outcome',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.deliveriesInFlight = new Gauge({
      name: 'eventmon_alerting_notifications_in_flight',
      help: 'Lifecycle messages whose deliveries are still running',
      registers,
    });
  }
}
