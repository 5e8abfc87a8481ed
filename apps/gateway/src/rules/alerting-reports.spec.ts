import { AlertingStatusReport, AlertRule, decodeRule } from '@app/contracts';
import { AlertingReports } from './alerting-reports';

const rule = (id: string, name = id): AlertRule => {
  const decoded = decodeRule({
    id,
    name,
    match: { types: ['host.cpu.usage'] },
    window: { seconds: 60 },
    condition: { aggregate: 'avg', operator: '>', threshold: 90 },
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return decoded.rule;
};

const T0 = Date.parse('2026-12-06T20:00:00Z');

const report = (
  replicaId: string,
  at: number,
  fields: Partial<AlertingStatusReport> = {},
): AlertingStatusReport => ({
  replicaId,
  reportedAt: new Date(at).toISOString(),
  intervalMs: 5000,
  rulesFile: { path: 'rules.yaml', rules: [rule('cpu')] },
  windows: [],
  ...fields,
});

const ids = (reports: AlertingReports, now: number) =>
  reports.snapshot(now).fileRules.map(({ rule, path }) => `${rule.id}@${path}`);

describe('AlertingReports', () => {
  it('sums the keys of the live replicas; a rule one of them does not hold counts 0 there', () => {
    const reports = new AlertingReports();
    reports.apply(
      'a',
      report('a', T0, {
        windows: [
          { ruleId: 'cpu', activeKeys: 3, pendingKeys: 1 },
          { ruleId: 'api-rule', activeKeys: 2, pendingKeys: 0 },
        ],
      }),
    );
    reports.apply(
      'b',
      report('b', T0 + 1000, { windows: [{ ruleId: 'cpu', activeKeys: 4, pendingKeys: 2 }] }),
    );
    const snapshot = reports.snapshot(T0 + 2000);
    expect(snapshot.windows('cpu')).toEqual({ activeKeys: 7, pendingKeys: 3 });
    expect(snapshot.windows('api-rule')).toEqual({ activeKeys: 2, pendingKeys: 0 });
    expect(snapshot.windows('unknown')).toEqual({ activeKeys: 0, pendingKeys: 0 });
    expect(snapshot.reportedAt).toBe(new Date(T0 + 1000).toISOString());
  });

  it('counts a replica silent for more than 3 of its intervals as gone', () => {
    const reports = new AlertingReports();
    reports.apply(
      'a',
      report('a', T0, { windows: [{ ruleId: 'cpu', activeKeys: 3, pendingKeys: 0 }] }),
    );
    reports.apply(
      'slow',
      report('slow', T0, {
        intervalMs: 60_000,
        windows: [{ ruleId: 'cpu', activeKeys: 5, pendingKeys: 0 }],
      }),
    );
    // 15 s: the 5-s replica is still live, at the edge.
    expect(reports.snapshot(T0 + 15_000).windows('cpu')).toEqual({ activeKeys: 8, pendingKeys: 0 });
    // Past it: only the replica reporting every minute is.
    expect(reports.snapshot(T0 + 15_001).windows('cpu')).toEqual({ activeKeys: 5, pendingKeys: 0 });
    const none = reports.snapshot(T0 + 180_001);
    expect(none.windows('cpu')).toBeNull();
    expect(none.reportedAt).toBeNull();
  });

  it('a tombstone takes the replica out at once; its file rules stay listed while no replica is live', () => {
    const reports = new AlertingReports();
    reports.apply(
      'a',
      report('a', T0, { windows: [{ ruleId: 'cpu', activeKeys: 1, pendingKeys: 0 }] }),
    );
    reports.apply('a', null);
    const snapshot = reports.snapshot(T0 + 1000);
    expect(snapshot.windows('cpu')).toBeNull();
    expect(snapshot.reportedAt).toBeNull();
    expect(ids(reports, T0 + 1000)).toEqual(['cpu@rules.yaml']);
    // Long after, still: the rules run again when alerting starts.
    expect(ids(reports, T0 + 86_400_000)).toEqual(['cpu@rules.yaml']);
    expect(snapshot.fileRule('cpu')?.path).toBe('rules.yaml');
  });

  it('lists the file rules of every live replica, the newer report winning an id', () => {
    const reports = new AlertingReports();
    reports.apply(
      'old',
      report('old', T0, {
        rulesFile: { path: 'v1.yaml', rules: [rule('cpu', 'old cpu'), rule('disk')] },
      }),
    );
    reports.apply(
      'new',
      report('new', T0 + 1000, {
        rulesFile: { path: 'v2.yaml', rules: [rule('mem'), rule('cpu', 'new cpu')] },
      }),
    );
    expect(ids(reports, T0 + 2000)).toEqual(['cpu@v2.yaml', 'disk@v1.yaml', 'mem@v2.yaml']);
    expect(reports.snapshot(T0 + 2000).fileRule('cpu')?.rule.name).toBe('new cpu');
    // The old replica stopped: what the live one runs is what there is.
    reports.apply('old', null);
    expect(ids(reports, T0 + 2000)).toEqual(['cpu@v2.yaml', 'mem@v2.yaml']);
  });

  it('with no replica live, lists the newest report read, even one of a replica that stopped', () => {
    const reports = new AlertingReports();
    reports.apply('a', report('a', T0, { rulesFile: { path: 'a.yaml', rules: [rule('x')] } }));
    reports.apply(
      'b',
      report('b', T0 + 1000, { rulesFile: { path: 'b.yaml', rules: [rule('y')] } }),
    );
    reports.apply('b', null);
    reports.apply('a', null);
    expect(ids(reports, T0 + 60_000)).toEqual(['y@b.yaml']);
  });

  it('lists no file rules for live replicas configured without a file', () => {
    const reports = new AlertingReports();
    reports.apply('a', report('a', T0));
    reports.apply('a', null);
    reports.apply('b', report('b', T0 + 1000, { rulesFile: null }));
    expect(ids(reports, T0 + 2000)).toEqual([]);
    expect(reports.snapshot(T0 + 2000).fileRule('cpu')).toBeUndefined();
  });
});
