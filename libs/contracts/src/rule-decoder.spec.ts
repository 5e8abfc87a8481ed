import { decodeRule, decodeRuleMessage, RULE_DEFAULTS } from './rule-decoder';

const minimal = {
  id: 'payments-per-client',
  name: 'Payment exceptions per client',
  match: { types: ['payment.*'] },
  window: { seconds: 60 },
  condition: { operator: '>=', threshold: 5 },
};

function reasonsOf(input: unknown): string[] {
  const result = decodeRule(input);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.rule)}`);
  return result.reasons;
}

describe('decodeRule', () => {
  it('accepts the example rule from the issue as written', () => {
    const result = decodeRuleMessage(
      JSON.stringify({
        id: '0b7e7f4e-2f0c-4c3e-9a3e-1f1f1f1f1f1f',
        name: 'Payment exceptions per client',
        enabled: true,
        match: { types: ['payment.exception'], sources: [], minSeverity: 'low' },
        groupBy: 'source',
        window: { kind: 'sliding', seconds: 60 },
        condition: { aggregate: 'count', operator: '>=', threshold: 5 },
        severity: 'high',
        cooldownSeconds: 300,
        autoResolve: true,
        channels: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
      }),
    );
    expect(result.ok && result.rule.channels).toEqual([
      { type: 'webhook', url: 'https://hooks.example.com/x' },
    ]);
  });

  it('keeps a rule activation only when one is given, as an instant with a zone', () => {
    const active = decodeRule({ ...minimal, activeFrom: '2026-12-01T10:00:00.000Z' });
    expect(active.ok && active.rule.activeFrom).toBe('2026-12-01T10:00:00.000Z');
    const unbounded = decodeRule(minimal);
    expect(unbounded.ok && 'activeFrom' in unbounded.rule).toBe(false);
    expect(reasonsOf({ ...minimal, activeFrom: 'yesterday' })).toEqual([
      expect.stringContaining('"activeFrom" must be an ISO-8601 date-time'),
    ]);
  });

  it('fills in defaults for what a minimal rule leaves out', () => {
    const result = decodeRule(minimal);
    expect(result.ok && result.rule).toEqual({
      ...minimal,
      description: '',
      enabled: RULE_DEFAULTS.enabled,
      match: { types: ['payment.*'], sources: [], minSeverity: 'low' },
      groupBy: 'source',
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 5 },
      severity: RULE_DEFAULTS.severity,
      cooldownSeconds: RULE_DEFAULTS.cooldownSeconds,
      autoResolve: true,
      channels: [{ type: 'console' }],
    });
  });

  it('lists every problem at once, naming each field', () => {
    const reasons = reasonsOf({
      id: 'has spaces',
      name: '',
      match: { types: [] },
      groupBy: 'payload',
      window: { kind: 'hopping', seconds: 0 },
      condition: { aggregate: 'median', operator: '=>', threshold: 'five' },
      severity: 'urgent',
      cooldownSeconds: -1,
      extra: true,
    });
    for (const field of [
      'unknown field "extra"',
      '"id"',
      '"name"',
      '"match.types" must name at least one',
      '"groupBy"',
      '"window.kind"',
      '"window.seconds"',
      '"condition.aggregate"',
      '"condition.operator"',
      '"condition.threshold"',
      '"severity"',
      '"cooldownSeconds"',
    ]) {
      expect(reasons.join('\n')).toContain(field);
    }
  });

  it('decodes forSeconds (default 0, left out), an integer of at most a day, naming the field', () => {
    const plain = decodeRule(minimal);
    expect(plain.ok && plain.rule.forSeconds).toBeUndefined();
    const held = decodeRule({ ...minimal, forSeconds: 60 });
    expect(held.ok && held.rule.forSeconds).toBe(60);
    const zero = decodeRule({ ...minimal, forSeconds: 0 });
    expect(zero.ok && 'forSeconds' in zero.rule).toBe(false);
    for (const bad of [-1, 1.5, 86_401, '60', null]) {
      expect(reasonsOf({ ...minimal, forSeconds: bad }).join('\n')).toContain('"forSeconds"');
    }
    expect(decodeRule({ ...minimal, forSeconds: 86_400 }).ok).toBe(true);
  });

  it('accepts payload field paths for groupBy and refuses other shapes', () => {
    expect(decodeRule({ ...minimal, groupBy: 'payload.client.id' }).ok).toBe(true);
    expect(reasonsOf({ ...minimal, groupBy: 'payload..id' })[0]).toContain('"groupBy"');
    expect(reasonsOf({ ...minimal, groupBy: 'severity' })[0]).toContain('"groupBy"');
  });

  it('bounds count thresholds, since a count rule keeps threshold+1 timestamps per key', () => {
    expect(reasonsOf({ ...minimal, condition: { operator: '>', threshold: 10_001 } })[0]).toContain(
      'between 0 and 10000',
    );
    expect(reasonsOf({ ...minimal, condition: { operator: '>', threshold: -1 } })[0]).toContain(
      'between 0 and 10000',
    );
    // Value aggregates take any finite threshold.
    expect(
      decodeRule({ ...minimal, condition: { aggregate: 'avg', operator: '<', threshold: -40.5 } })
        .ok,
    ).toBe(true);
  });

  it('checks every channel and refuses URLs that are not plain http(s)', () => {
    const reasons = reasonsOf({
      ...minimal,
      channels: [
        { type: 'webhook', url: 'ftp://example.com/x' },
        { type: 'webhook', url: 'https://user:secret@example.com/x' },
        { type: 'slack' },
        { type: 'slack', url: 'https://hooks.slack.com/x', urlEnv: 'CHANNEL_SLACK_URL' },
        { type: 'email', to: ['not-an-address'] },
        { type: 'email', to: [] },
        { type: 'pagerduty', routingKeyEnv: 'lower-case' },
        { type: 'sms' },
        { type: 'console', url: 'https://example.com' },
      ],
    }).join('\n');
    expect(reasons).toContain('"channels[0].url" must use http or https');
    expect(reasons).toContain('"channels[1].url" must not embed credentials');
    expect(reasons).toContain('"channels[2]" needs exactly one of "url" or "urlEnv"');
    expect(reasons).toContain('"channels[3]" needs exactly one of "url" or "urlEnv"');
    expect(reasons).toContain('"channels[4].to[0]" must be an email address');
    expect(reasons).toContain('"channels[5].to" must list at least one recipient');
    expect(reasons).toContain('"channels[6].routingKeyEnv" must be an environment variable name');
    expect(reasons).toContain('"channels[7].type" must be one of');
    expect(reasons).toContain('channels[8]: unknown field "url"');
  });

  it('accepts every channel type in its documented shape', () => {
    const channels = [
      { type: 'console' },
      { type: 'email', to: ['oncall@example.com'] },
      { type: 'slack', urlEnv: 'CHANNEL_SLACK_WEBHOOK_URL' },
      { type: 'discord', url: 'https://discord.com/api/webhooks/1/abc' },
      { type: 'teams', url: 'https://example.webhook.office.com/x' },
      { type: 'pagerduty' },
      { type: 'pagerduty', routingKeyEnv: 'CHANNEL_PD_PAYMENTS' },
      { type: 'webhook', url: 'http://hooks.example.com/x', secretEnv: 'CHANNEL_HOOK_SECRET' },
      { type: 'webhook', urlEnv: 'CHANNEL_HOOK_URL', secretEnv: 'CHANNEL_HOOK_SECRET' },
    ];
    const result = decodeRule({ ...minimal, channels });
    expect(result.ok && result.rule.channels).toEqual(channels);
  });

  it('takes a webhook URL written in or named by a CHANNEL_ variable, exactly one of them', () => {
    const result = decodeRule({
      ...minimal,
      channels: [
        { type: 'webhook', url: 'https://hooks.example.com/x', urlEnv: 'CHANNEL_HOOK_URL' },
        { type: 'webhook', secretEnv: 'CHANNEL_HOOK_SECRET' },
        { type: 'webhook', urlEnv: 'HOME' },
      ],
    });
    expect(result.ok).toBe(false);
    const reasons = result.ok ? '' : result.reasons.join('\n');
    expect(reasons).toContain('"channels[0]" needs exactly one of "url" or "urlEnv"');
    expect(reasons).toContain('"channels[1]" needs exactly one of "url" or "urlEnv"');
    expect(reasons).toContain(
      '"channels[2].urlEnv" must be an environment variable named CHANNEL_',
    );
  });

  it('refuses what is not a JSON object, with the reason', () => {
    expect(decodeRuleMessage('{"id":')).toEqual({
      ok: false,
      reasons: [expect.stringContaining('rule is not valid JSON')],
    });
    expect(decodeRuleMessage('[1]')).toEqual({
      ok: false,
      reasons: ['rule must be a JSON object, got an array'],
    });
    expect(decodeRuleMessage(null).ok).toBe(false);
  });
});
