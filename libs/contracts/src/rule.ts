import { createHash } from 'node:crypto';
import { Severity } from './event';

/** The alert-rule contract: the value on the compacted `alert-rules` topic and in rule files. */
export const WINDOW_KINDS = ['sliding', 'tumbling'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Operator = (typeof OPERATORS)[number];

export const CHANNEL_TYPES = [
  'console',
  'email',
  'slack',
  'discord',
  'teams',
  'pagerduty',
  'webhook',
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** `source` (the default), `none` (one window for the whole rule) or `payload.<path>`. */
export type GroupBy = 'source' | 'none' | `payload.${string}`;

export interface RuleMatch {
  /** Exact type names or globs where `*` matches any run of characters (`payment.*`). */
  types: string[];
  /** Exact source names; empty means any source. */
  sources: string[];
  minSeverity: Severity;
}

export interface RuleWindow {
  kind: WindowKind;
  seconds: number;
}

export interface RuleCondition {
  aggregate: Aggregate;
  operator: Operator;
  threshold: number;
}

export interface ConsoleChannel {
  type: 'console';
}

export interface EmailChannel {
  type: 'email';
  to: string[];
}

/**
 * Chat webhooks. A webhook URL is itself a credential, so it can be named by an environment
 * variable (`urlEnv`, named CHANNEL_...) instead of written into the rule, where anyone who
 * reads rules sees it.
 */
export interface ChatChannel {
  type: 'slack' | 'discord' | 'teams';
  url?: string;
  urlEnv?: string;
}

export interface PagerDutyChannel {
  type: 'pagerduty';
  /** Variable (CHANNEL_...) holding the Events API v2 routing key; default PAGERDUTY_ROUTING_KEY. */
  routingKeyEnv?: string;
}

/**
 * A generic webhook. Its URL may hold a token too, so like a chat channel's it can be named by
 * an environment variable of the alerting app (`urlEnv`, CHANNEL_...) instead of written here.
 */
export interface WebhookChannel {
  type: 'webhook';
  url?: string;
  urlEnv?: string;
  /** Variable (CHANNEL_...) holding the HMAC-SHA256 signing secret; default WEBHOOK_SECRET. */
  secretEnv?: string;
}

export type ChannelConfig =
  ConsoleChannel | EmailChannel | ChatChannel | PagerDutyChannel | WebhookChannel;

export interface AlertRule {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  match: RuleMatch;
  groupBy: GroupBy;
  window: RuleWindow;
  condition: RuleCondition;
  severity: Severity;
  cooldownSeconds: number;
  /**
   * Prometheus `for:`: how long (seconds) the condition must hold continuously before the
   * rule fires; until then the key is only pending. Absent or 0: it fires at once.
   */
  forSeconds?: number;
  autoResolve: boolean;
  channels: ChannelConfig[];
  /**
   * Rule activation (ISO-8601): the rule counts only events whose `occurredAt` is at or after
   * it. The gateway stamps it when the rule is created, re-enabled, or changed in a way that
   * evaluates differently; without it (rule files) the rule has no activation bound.
   */
  activeFrom?: string;
}

/**
 * Whether two rules evaluate events the same way (matching, grouping, window, condition):
 * a change in anything else (names, severity, channels) keeps the rule's windows and its
 * activation.
 */
export function evaluatesAlike(a: AlertRule, b: AlertRule): boolean {
  return evaluationIdentity(a) === evaluationIdentity(b);
}

/**
 * A short digest of what decides a rule's windows (evaluatesAlike's fields and `activeFrom`):
 * two versions share it exactly when a replacement keeps the windows. Alerting tags the
 * matches it forwards to another replica with it, so a match made under another version of
 * the rule is never counted under this one.
 */
export function evaluationFingerprint(rule: AlertRule): string {
  return createHash('sha256')
    .update(JSON.stringify([evaluationIdentity(rule), rule.activeFrom ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

function evaluationIdentity(rule: AlertRule): string {
  const { match, groupBy, window, condition } = rule;
  return JSON.stringify([
    [...match.types].sort(),
    [...match.sources].sort(),
    match.minSeverity,
    groupBy,
    window.kind,
    window.seconds,
    condition.aggregate,
    condition.operator,
    condition.threshold,
    // Only when set, so a rule without it keeps the identity (and fingerprint) it had.
    ...(rule.forSeconds ? [rule.forSeconds] : []),
  ]);
}

export const RULE_LIMITS = {
  idPattern: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
  maxNameLength: 200,
  maxDescriptionLength: 2000,
  maxTypePatterns: 50,
  maxSources: 1000,
  minWindowSeconds: 1,
  /** One day: longer windows belong in analytics over the rollups, not in memory. */
  maxWindowSeconds: 86_400,
  /**
   * A count rule keeps the newest threshold+1 timestamps per key (enough to decide every
   * operator exactly), so its threshold bounds its memory.
   */
  maxCountThreshold: 10_000,
  maxCooldownSeconds: 7 * 86_400,
  /** One day, like a window: a key stays pending (in memory) at most this long. */
  maxForSeconds: 86_400,
  maxChannels: 20,
  maxEmailRecipients: 50,
  maxGroupByDepth: 8,
} as const;
