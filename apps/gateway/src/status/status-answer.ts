import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { TopicLag } from '@app/kafka';
import type { ProductGroup } from './product-groups';

/** What one part of the status turned out to be, or why it could not be had. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface DependencyStatus {
  name: string;
  status: 'up' | 'down';
  detail?: string;
  latencyMs: number;
}

export interface TopicLagStatus {
  topic: string;
  lag: number | null;
  reason?: string;
}

export interface GroupLagStatus {
  service: string;
  groupId: string;
  /** Sum of the topics' known lags; null when none is known. */
  lag: number | null;
  reason?: string;
  topics: TopicLagStatus[];
}

export interface RuleCounts {
  loaded: number;
  enabled: number;
  /** Of `loaded`, the rules of alerting's rules file (no table row replaces them). */
  fromFile: number;
}

export interface IncidentCounts {
  open: number;
  acknowledged: number;
}

export interface TopicRecordCount {
  topic: string;
  count: number;
}

export interface DeadLetterCounts {
  since: string;
  lastHour: number;
  topics: TopicRecordCount[];
}

export interface StatusAnswer {
  version: string;
  generatedAt: string;
  dependencies: DependencyStatus[];
  consumerLag: GroupLagStatus[];
  rules: RuleCounts | null;
  incidents: IncidentCounts | null;
  deadLetters: DeadLetterCounts | null;
  /** Why a part is null, one line each; empty when every part was had. */
  problems: string[];
}

/** A terminus check's result as one dependency entry. */
export function dependencyStatus(
  name: string,
  result: HealthIndicatorResult,
  latencyMs: number,
): DependencyStatus {
  const entry = result[name] ?? { status: 'down', message: 'no answer' };
  const { status, message } = entry;
  const detail =
    typeof message === 'string'
      ? message
      : Object.entries(entry)
          // terminus' own responseTime is what latencyMs says, measured around the whole check.
          .filter(([key]) => key !== 'status' && key !== 'responseTime')
          .map(([key, value]) => `${key} ${String(value)}`)
          .join(', ');
  return {
    name,
    status: status === 'up' ? 'up' : 'down',
    ...(detail ? { detail } : {}),
    latencyMs: Math.round(latencyMs),
  };
}

function topicLagStatus(topic: string, lag: TopicLag | undefined): TopicLagStatus {
  if (!lag) return { topic, lag: null, reason: 'the topic does not exist yet' };
  if (lag.lag === null) return { topic, lag: null, reason: 'no offset committed yet' };
  return {
    topic,
    lag: Number(lag.lag),
    ...(lag.uncommittedPartitions > 0
      ? { reason: `${lag.uncommittedPartitions} partition(s) without a commit yet not counted` }
      : {}),
  };
}

/** One group's entry: per topic, and the sum of what is known. */
export function groupLagStatus(
  group: ProductGroup,
  lags: Outcome<readonly TopicLag[]>,
): GroupLagStatus {
  const { service, groupId } = group;
  if (!lags.ok) {
    return {
      service,
      groupId,
      lag: null,
      reason: lags.reason,
      topics: group.topics.map((topic) => ({ topic, lag: null })),
    };
  }
  const topics = group.topics.map((topic) =>
    topicLagStatus(
      topic,
      lags.value.find((lag) => lag.topic === topic),
    ),
  );
  const known = topics.filter((t) => t.lag !== null);
  if (known.length === 0) {
    return { service, groupId, lag: null, reason: 'the group has committed nothing yet', topics };
  }
  return { service, groupId, lag: known.reduce((sum, t) => sum + t.lag!, 0), topics };
}

export interface StatusParts {
  version: string;
  generatedAt: Date;
  dependencies: DependencyStatus[];
  consumerLag: GroupLagStatus[];
  counts: Outcome<{ rules: RuleCounts; incidents: IncidentCounts }>;
  deadLettersSince: Date;
  deadLetters: Outcome<TopicRecordCount[]>;
}

/** The answer of GET /api/status from its parts; a part that failed is null with a reason. */
export function assembleStatus(parts: StatusParts): StatusAnswer {
  const problems: string[] = [];
  if (!parts.counts.ok) problems.push(`rules and incidents: ${parts.counts.reason}`);
  if (!parts.deadLetters.ok) problems.push(`dead letters: ${parts.deadLetters.reason}`);
  return {
    version: parts.version,
    generatedAt: parts.generatedAt.toISOString(),
    dependencies: parts.dependencies,
    consumerLag: parts.consumerLag,
    rules: parts.counts.ok ? parts.counts.value.rules : null,
    incidents: parts.counts.ok ? parts.counts.value.incidents : null,
    deadLetters: parts.deadLetters.ok
      ? {
          since: parts.deadLettersSince.toISOString(),
          lastHour: parts.deadLetters.value.reduce((sum, t) => sum + t.count, 0),
          topics: parts.deadLetters.value,
        }
      : null,
    problems,
  };
}

/** The promise's value, or its error's message as the reason. */
export async function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
