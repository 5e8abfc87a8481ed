import { decodeAlertingStatus } from './alerting-status';
import { decodeRule } from './rule-decoder';

const fileRule = {
  id: 'host-cpu-high',
  name: 'Host CPU above 90%',
  match: { types: ['host.cpu.usage'] },
  window: { seconds: 60 },
  condition: { aggregate: 'avg', operator: '>', threshold: 90 },
};

const report = {
  replicaId: 'alerting-0:41:5f0c2a1b',
  reportedAt: '2026-12-06T20:00:00.000Z',
  intervalMs: 5000,
  rulesFile: { path: 'apps/alerting/rules.sample.yaml', rules: [fileRule] },
  windows: [{ ruleId: 'host-cpu-high', activeKeys: 3, pendingKeys: 1 }],
};

describe('decodeAlertingStatus', () => {
  it('reads a report, its file rules normalised as the rule decoder does', () => {
    const decoded = decodeAlertingStatus(JSON.stringify(report));
    const rule = decodeRule(fileRule);
    expect(rule.ok).toBe(true);
    expect(decoded).toEqual({
      ok: true,
      report: {
        ...report,
        rulesFile: { path: report.rulesFile.path, rules: [rule.ok && rule.rule] },
      },
    });
  });

  it('reads a replica without a rules file', () => {
    const decoded = decodeAlertingStatus(JSON.stringify({ ...report, rulesFile: null }));
    expect(decoded.ok && decoded.report.rulesFile).toBeNull();
  });

  it('lists every reason a report is unusable, naming the bad file rule', () => {
    const decoded = decodeAlertingStatus(
      JSON.stringify({
        ...report,
        reportedAt: 'yesterday',
        intervalMs: 0,
        rulesFile: { path: 'rules.yaml', rules: [{ ...fileRule, window: { seconds: 0 } }] },
        windows: [{ ruleId: 'host-cpu-high', activeKeys: -1, pendingKeys: 0 }],
        extra: true,
      }),
    );
    expect(decoded.ok).toBe(false);
    const reasons = decoded.ok ? '' : decoded.reasons.join('\n');
    expect(reasons).toMatch(/unknown field "extra"/);
    expect(reasons).toMatch(/"reportedAt" must be an ISO-8601 date-time/);
    expect(reasons).toMatch(/"intervalMs" must be between 1 and/);
    expect(reasons).toMatch(/rulesFile\.rules\[0\]: "window\.seconds"/);
    expect(reasons).toMatch(/"windows\[0\]\.activeKeys" must be between 0 and/);
  });

  it('refuses what is not a JSON object', () => {
    expect(decodeAlertingStatus('[1]')).toEqual({
      ok: false,
      reasons: ['status report must be a JSON object, got an array'],
    });
  });
});
