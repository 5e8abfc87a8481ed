import { decodeAlertingStatus, decodeRule } from '@app/contracts';
import { statusReport } from './status-report';

const rule = (() => {
  const decoded = decodeRule({
    id: 'disk-full',
    name: 'Disk above 90%',
    match: { types: ['host.disk.used_percent'] },
    window: { seconds: 60 },
    condition: { aggregate: 'max', operator: '>', threshold: 90 },
    channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T/B/SECRET' }],
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return decoded.rule;
})();

describe('statusReport', () => {
  it('lists every rule held with its keys, pending ones 0 when the engine counted none', () => {
    const report = statusReport({
      replicaId: 'host-1-aa',
      now: new Date('2026-12-06T20:00:00Z'),
      intervalMs: 5000,
      rulesFile: { path: 'rules.yaml', rules: [rule] },
      keysByRule: new Map([
        ['zeta', 0],
        ['disk-full', 4],
      ]),
      pendingKeysByRule: new Map([['disk-full', 1]]),
    });
    expect(report).toEqual({
      replicaId: 'host-1-aa',
      reportedAt: '2026-12-06T20:00:00.000Z',
      intervalMs: 5000,
      rulesFile: { path: 'rules.yaml', rules: [rule] },
      windows: [
        { ruleId: 'disk-full', activeKeys: 4, pendingKeys: 1 },
        { ruleId: 'zeta', activeKeys: 0, pendingKeys: 0 },
      ],
    });
    // What the gateway decodes is what was sent: the contract both sides use.
    expect(decodeAlertingStatus(JSON.stringify(report))).toEqual({ ok: true, report });
  });

  it('says null for a replica without a rules file', () => {
    const report = statusReport({
      replicaId: 'r',
      now: new Date(0),
      intervalMs: 100,
      rulesFile: null,
      keysByRule: new Map(),
      pendingKeysByRule: new Map(),
    });
    expect(report.rulesFile).toBeNull();
    expect(report.windows).toEqual([]);
  });
});
