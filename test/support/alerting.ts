import { randomUUID } from 'node:crypto';
import { Message } from 'kafkajs';
import { LifecycleMessage } from '@app/contracts';
import { AppHarness } from './app-harness';
import { kafkaBrokers } from './integration-env';
import { TopicRecorder } from './topic-recorder';

/**
 * An alerting process on the test broker with its HTTP server on a free loopback port,
 * short timings so windows, ticks and retries happen within a test, and loopback allowed
 * as a notification target (the test's own webhook and SMTP servers, on ephemeral ports).
 */
export function startAlerting(prefix: string, extraEnv: Record<string, string> = {}): AppHarness {
  return new AppHarness('alerting', {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    ALERTING_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    ALERTING_GROUP_ID: `${prefix}alerting`,
    ALERTING_DISPATCH_GROUP_ID: `${prefix}dispatch`,
    ALERTING_GRACE_MS: '500',
    ALERTING_TICK_MS: '200',
    ALERTING_SESSION_TIMEOUT_MS: '8000',
    NOTIFY_ALLOWED_HOSTS: '127.0.0.1,localhost',
    NOTIFY_ALLOWED_PORTS: '1024-65535',
    NOTIFY_ATTEMPT_TIMEOUT_MS: '2000',
    NOTIFY_BACKOFF_INITIAL_MS: '50',
    NOTIFY_BACKOFF_MAX_MS: '200',
    ...extraEnv,
  }).start();
}

/** A rule record for `alert-rules` (key = id), with test-friendly defaults. */
export function ruleRecord(rule: Record<string, unknown> & { id: string }): Message {
  const full = {
    name: `rule ${rule.id}`,
    cooldownSeconds: 0,
    channels: [{ type: 'console' }],
    ...rule,
  };
  return { key: rule.id, value: JSON.stringify(full) };
}

/** A valid event happening now (or `occurredAt`), keyed by its source like real producers. */
export function liveEvent(
  type: string,
  source: string,
  extra: { value?: number; occurredAt?: Date; payload?: Record<string, unknown> } = {},
): Message {
  const event = {
    id: randomUUID(),
    type,
    source,
    severity: 'high',
    occurredAt: (extra.occurredAt ?? new Date()).toISOString(),
    ...(extra.value === undefined ? {} : { value: extra.value }),
    ...(extra.payload ? { payload: extra.payload } : {}),
  };
  return { key: source, value: JSON.stringify(event) };
}

export function lifecycleMessages(recorder: TopicRecorder): LifecycleMessage[] {
  return recorder.json<LifecycleMessage>();
}

export function incidentsOf(
  recorder: TopicRecorder,
  kind: LifecycleMessage['kind'],
  ruleId?: string,
): LifecycleMessage[] {
  return lifecycleMessages(recorder).filter(
    (m) => m.kind === kind && (ruleId === undefined || m.incident.ruleId === ruleId),
  );
}
