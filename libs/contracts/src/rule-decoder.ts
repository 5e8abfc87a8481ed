import { DEFAULT_SEVERITY, MAX_SOURCE_LENGTH, SEVERITIES, Severity } from './event';
import {
  checkBoolean,
  checkEnum,
  checkInstant,
  checkNumber,
  checkString,
  checkStringArray,
  isPlainObject,
  parseJsonObjectValue,
  Reasons,
  rejectUnknownFields,
  describe,
} from './field-checks';
import {
  AGGREGATES,
  AlertRule,
  CHANNEL_TYPES,
  ChannelConfig,
  GroupBy,
  OPERATORS,
  RULE_LIMITS,
  RuleCondition,
  RuleMatch,
  RuleWindow,
  WINDOW_KINDS,
} from './rule';

export type RuleDecodeResult = { ok: true; rule: AlertRule } | { ok: false; reasons: string[] };

export const RULE_DEFAULTS = {
  enabled: true,
  groupBy: 'source' as GroupBy,
  severity: 'medium' as Severity,
  cooldownSeconds: 300,
  autoResolve: true,
  channels: [{ type: 'console' }] as ChannelConfig[],
};

const RULE_FIELDS = [
  'id',
  'name',
  'description',
  'enabled',
  'match',
  'groupBy',
  'window',
  'condition',
  'severity',
  'cooldownSeconds',
  'forSeconds',
  'autoResolve',
  'channels',
  'activeFrom',
];
const TYPE_GLOB = /^[A-Za-z0-9*][A-Za-z0-9._:/*-]*$/;
/**
 * Rules may only name variables meant for them: without the prefix a rule author could have
 * DATABASE_URL sent to PagerDuty as a routing key, or used as an HMAC key.
 */
export const CHANNEL_ENV_PREFIX = 'CHANNEL_';
const ENV_NAME = /^CHANNEL_[A-Z0-9_]{1,120}$/;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
const GROUP_BY_PAYLOAD = /^payload(\.[A-Za-z0-9_-]{1,64})+$/;

/** Decodes a rule from a Kafka value or a file entry, listing every reason it is invalid. */
export function decodeRuleMessage(value: Buffer | string | null): RuleDecodeResult {
  const parsed = parseJsonObjectValue(value, 'rule');
  return parsed.ok ? decodeRule(parsed.object) : parsed;
}

/**
 * Checks and normalises a rule (defaults filled in). A rule is applied whole or not at all,
 * so this never returns a partly valid rule. URLs are checked for shape here; whether their
 * host may be reached is the egress policy's job (it needs DNS).
 */
export function decodeRule(input: unknown): RuleDecodeResult {
  if (!isPlainObject(input)) {
    return { ok: false, reasons: [`a rule must be a JSON object, got ${describe(input)}`] };
  }
  const reasons: Reasons = [];
  rejectUnknownFields(input, RULE_FIELDS, '', reasons);
  const id = checkString(input.id, 'id', reasons, {
    max: 128,
    pattern: RULE_LIMITS.idPattern,
    patternHint: 'must be a UUID or a slug of letters, digits, ".", "_", ":" and "-"',
  });
  const name = checkString(input.name, 'name', reasons, { max: RULE_LIMITS.maxNameLength });
  const description =
    input.description === undefined
      ? ''
      : checkString(input.description, 'description', reasons, {
          min: 0,
          max: RULE_LIMITS.maxDescriptionLength,
        });
  const enabled = optional(input.enabled, RULE_DEFAULTS.enabled, (v) =>
    checkBoolean(v, 'enabled', reasons),
  );
  const match = checkMatch(input.match, reasons);
  const groupBy = optional(input.groupBy, RULE_DEFAULTS.groupBy, (v) => checkGroupBy(v, reasons));
  const window = checkWindow(input.window, reasons);
  const condition = checkCondition(input.condition, reasons);
  const severity = optional(input.severity, RULE_DEFAULTS.severity, (v) =>
    checkEnum(v, SEVERITIES, 'severity', reasons),
  );
  const cooldownSeconds = optional(input.cooldownSeconds, RULE_DEFAULTS.cooldownSeconds, (v) =>
    checkNumber(v, 'cooldownSeconds', reasons, {
      integer: true,
      min: 0,
      max: RULE_LIMITS.maxCooldownSeconds,
    }),
  );
  const forSeconds = optional(input.forSeconds, 0, (v) =>
    checkNumber(v, 'forSeconds', reasons, {
      integer: true,
      min: 0,
      max: RULE_LIMITS.maxForSeconds,
    }),
  );
  const autoResolve = optional(input.autoResolve, RULE_DEFAULTS.autoResolve, (v) =>
    checkBoolean(v, 'autoResolve', reasons),
  );
  const channels = optional(input.channels, RULE_DEFAULTS.channels, (v) =>
    checkChannels(v, reasons),
  );
  const activeFrom =
    input.activeFrom === undefined
      ? undefined
      : (checkInstant(input.activeFrom, 'activeFrom', reasons) ?? undefined);
  if (reasons.length > 0) return { ok: false, reasons };
  return {
    ok: true,
    rule: {
      id: id!,
      name: name!,
      description: description!,
      enabled: enabled!,
      match: match!,
      groupBy: groupBy!,
      window: window!,
      condition: condition!,
      severity: severity!,
      cooldownSeconds: cooldownSeconds!,
      // Only when set: 0 is the default, and a rule without it stays as it was.
      ...(forSeconds ? { forSeconds } : {}),
      autoResolve: autoResolve!,
      channels: channels!,
      // Only when set: a rule without one (a rules file) has no activation bound.
      ...(activeFrom === undefined ? {} : { activeFrom }),
    },
  };
}

function optional<T>(value: unknown, fallback: T, check: (value: unknown) => T | undefined) {
  return value === undefined ? fallback : check(value);
}

function checkMatch(value: unknown, reasons: Reasons): RuleMatch | undefined {
  if (!isPlainObject(value)) {
    reasons.push(`"match" must be an object with "types", got ${describe(value)}`);
    return undefined;
  }
  rejectUnknownFields(value, ['types', 'sources', 'minSeverity'], 'match', reasons);
  const types = checkStringArray(value.types, 'match.types', reasons, {
    maxItems: RULE_LIMITS.maxTypePatterns,
    item: (item, field) =>
      checkString(item, field, reasons, {
        max: 128,
        pattern: TYPE_GLOB,
        patternHint: 'must be an event type or a glob such as "payment.*"',
      }),
  });
  if (types && types.length === 0) {
    reasons.push('"match.types" must name at least one type or glob (use ["*"] for every type)');
  }
  const sources = optional(value.sources, [] as string[], (v) =>
    checkStringArray(v, 'match.sources', reasons, {
      maxItems: RULE_LIMITS.maxSources,
      item: (item, field) => checkString(item, field, reasons, { max: MAX_SOURCE_LENGTH }),
    }),
  );
  const minSeverity = optional(value.minSeverity, DEFAULT_SEVERITY, (v) =>
    checkEnum(v, SEVERITIES, 'match.minSeverity', reasons),
  );
  if (!types || types.length === 0 || !sources || !minSeverity) return undefined;
  return { types, sources, minSeverity };
}

function checkGroupBy(value: unknown, reasons: Reasons): GroupBy | undefined {
  if (value === 'source' || value === 'none') return value;
  if (
    typeof value === 'string' &&
    GROUP_BY_PAYLOAD.test(value) &&
    value.split('.').length - 1 <= RULE_LIMITS.maxGroupByDepth
  ) {
    return value as GroupBy;
  }
  reasons.push(
    `"groupBy" must be "source", "none" or a payload field path such as "payload.clientId" (at most ${RULE_LIMITS.maxGroupByDepth} levels), got ${describe(value)}`,
  );
  return undefined;
}

function checkWindow(value: unknown, reasons: Reasons): RuleWindow | undefined {
  if (!isPlainObject(value)) {
    reasons.push(
      `"window" must be an object such as {"kind":"sliding","seconds":60}, got ${describe(value)}`,
    );
    return undefined;
  }
  rejectUnknownFields(value, ['kind', 'seconds'], 'window', reasons);
  const kind = optional(value.kind, 'sliding' as const, (v) =>
    checkEnum(v, WINDOW_KINDS, 'window.kind', reasons),
  );
  const seconds = checkNumber(value.seconds, 'window.seconds', reasons, {
    integer: true,
    min: RULE_LIMITS.minWindowSeconds,
    max: RULE_LIMITS.maxWindowSeconds,
  });
  return kind && seconds ? { kind, seconds } : undefined;
}

function checkCondition(value: unknown, reasons: Reasons): RuleCondition | undefined {
  if (!isPlainObject(value)) {
    reasons.push(
      `"condition" must be an object such as {"aggregate":"count","operator":">=","threshold":5}, got ${describe(value)}`,
    );
    return undefined;
  }
  rejectUnknownFields(value, ['aggregate', 'operator', 'threshold'], 'condition', reasons);
  const aggregate = optional(value.aggregate, 'count' as const, (v) =>
    checkEnum(v, AGGREGATES, 'condition.aggregate', reasons),
  );
  const operator = checkEnum(value.operator, OPERATORS, 'condition.operator', reasons);
  const threshold =
    aggregate === 'count'
      ? checkNumber(value.threshold, 'condition.threshold', reasons, {
          min: 0,
          max: RULE_LIMITS.maxCountThreshold,
        })
      : checkNumber(value.threshold, 'condition.threshold', reasons);
  if (aggregate === undefined || operator === undefined || threshold === undefined)
    return undefined;
  return { aggregate, operator, threshold };
}

function checkChannels(value: unknown, reasons: Reasons): ChannelConfig[] | undefined {
  if (!Array.isArray(value)) {
    reasons.push(`"channels" must be an array, got ${describe(value)}`);
    return undefined;
  }
  if (value.length > RULE_LIMITS.maxChannels) {
    reasons.push(
      `"channels" has ${value.length} items, at most ${RULE_LIMITS.maxChannels} allowed`,
    );
    return undefined;
  }
  const channels = value.map((item, index) => checkChannel(item, `channels[${index}]`, reasons));
  return channels.every((c) => c !== undefined) ? channels : undefined;
}

function checkChannel(value: unknown, path: string, reasons: Reasons): ChannelConfig | undefined {
  if (!isPlainObject(value)) {
    reasons.push(`"${path}" must be an object with a "type", got ${describe(value)}`);
    return undefined;
  }
  const type = checkEnum(value.type, CHANNEL_TYPES, `${path}.type`, reasons);
  const before = reasons.length;
  switch (type) {
    case undefined:
      return undefined;
    case 'console':
      rejectUnknownFields(value, ['type'], path, reasons);
      return reasons.length === before ? { type } : undefined;
    case 'email': {
      rejectUnknownFields(value, ['type', 'to'], path, reasons);
      const to = checkStringArray(value.to, `${path}.to`, reasons, {
        maxItems: RULE_LIMITS.maxEmailRecipients,
        item: (item, field) =>
          checkString(item, field, reasons, {
            max: 254,
            pattern: EMAIL,
            patternHint: 'must be an email address',
          }),
      });
      if (to && to.length === 0) reasons.push(`"${path}.to" must list at least one recipient`);
      return reasons.length === before ? { type, to: to! } : undefined;
    }
    case 'slack':
    case 'discord':
    case 'teams': {
      rejectUnknownFields(value, ['type', 'url', 'urlEnv'], path, reasons);
      const target = checkUrlOrEnv(value, path, reasons);
      return target ? { type, ...target } : undefined;
    }
    case 'pagerduty': {
      rejectUnknownFields(value, ['type', 'routingKeyEnv'], path, reasons);
      if (value.routingKeyEnv === undefined)
        return reasons.length === before ? { type } : undefined;
      const routingKeyEnv = checkEnvName(value.routingKeyEnv, `${path}.routingKeyEnv`, reasons);
      return routingKeyEnv && reasons.length === before ? { type, routingKeyEnv } : undefined;
    }
    case 'webhook': {
      rejectUnknownFields(value, ['type', 'url', 'urlEnv', 'secretEnv'], path, reasons);
      const target = checkUrlOrEnv(value, path, reasons);
      const secretEnv =
        value.secretEnv === undefined
          ? undefined
          : checkEnvName(value.secretEnv, `${path}.secretEnv`, reasons);
      if (reasons.length > before || !target) return undefined;
      return secretEnv ? { type, ...target, secretEnv } : { type, ...target };
    }
  }
}

/** A channel's destination: a URL written into the rule, or the variable that holds it. */
function checkUrlOrEnv(
  value: Record<string, unknown>,
  path: string,
  reasons: Reasons,
): { url: string } | { urlEnv: string } | undefined {
  if ((value.url === undefined) === (value.urlEnv === undefined)) {
    reasons.push(`"${path}" needs exactly one of "url" or "urlEnv" (an environment variable)`);
    return undefined;
  }
  if (value.url !== undefined) {
    const url = checkHttpUrl(value.url, `${path}.url`, reasons);
    return url ? { url } : undefined;
  }
  const urlEnv = checkEnvName(value.urlEnv, `${path}.urlEnv`, reasons);
  return urlEnv ? { urlEnv } : undefined;
}

function checkEnvName(value: unknown, field: string, reasons: Reasons): string | undefined {
  return checkString(value, field, reasons, {
    max: 128,
    pattern: ENV_NAME,
    patternHint: `must be an environment variable named ${CHANNEL_ENV_PREFIX}... (A-Z, 0-9 and _): rules may only read variables set aside for channels`,
  });
}

/** Shape only: http(s), a host, no embedded credentials. Reachability is checked elsewhere. */
export function checkHttpUrl(value: unknown, field: string, reasons: Reasons): string | undefined {
  const text = checkString(value, field, reasons, { max: 2048 });
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    reasons.push(`"${field}" is not a valid URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    reasons.push(`"${field}" must use http or https, got ${url.protocol.replace(/:$/, '')}`);
    return undefined;
  }
  if (url.username || url.password) {
    reasons.push(
      `"${field}" must not embed credentials (user:password@); use headers or an env var`,
    );
    return undefined;
  }
  return text;
}
