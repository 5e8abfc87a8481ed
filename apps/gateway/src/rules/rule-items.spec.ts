import { AlertRule, decodeRule } from '@app/contracts';
import { AlertRuleEntity } from '@app/database';
import { AlertingReports, FileRule } from './alerting-reports';
import { fileItem, fileRulesForPage, mergeRulePage, toRuleDto } from './rule-items';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
const T0 = Date.parse('2026-12-06T20:00:00Z');

const rule = (id: string, fields: Record<string, unknown> = {}): AlertRule => {
  const decoded = decodeRule({
    id,
    name: `rule ${id}`,
    match: { types: ['host.cpu.usage'] },
    window: { seconds: 60 },
    condition: { operator: '>', threshold: 1 },
    ...fields,
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return decoded.rule;
};

const row = (id: string): AlertRuleEntity =>
  Object.assign(new AlertRuleEntity(), {
    id,
    name: `rule ${id}`,
    enabled: true,
    definition: rule(id),
    version: 2,
    createdAt: new Date(T0 - 60_000),
    updatedAt: new Date(T0),
  });

const file = (id: string, fields: Record<string, unknown> = {}): FileRule => ({
  rule: rule(id, fields),
  path: 'rules.yaml',
});

describe('rule pages of table rows and file rules', () => {
  const order = (items: { origin: string; id: string }[]) =>
    items.map((item) => `${item.origin}:${item.id}`);

  it('merges both in id order and stops at limit + 1, whichever source is longer', () => {
    const rows = ['a', 'c', 'e'].map(row);
    const files = ['b', 'd', 'f', 'g'].map((id) => file(id));
    expect(order(mergeRulePage(rows, files, 4))).toEqual([
      'api:a',
      'file:b',
      'api:c',
      'file:d',
      'api:e',
    ]);
    expect(order(mergeRulePage([], files, 10))).toEqual(['file:b', 'file:d', 'file:f', 'file:g']);
    expect(order(mergeRulePage(rows, [], 1))).toEqual(['api:a', 'api:c']);
  });

  it('orders ids by code unit, as the table query does (COLLATE "C"): capitals first', () => {
    expect(order(mergeRulePage([row('b')], [file('B'), file('a')], 10))).toEqual([
      'file:B',
      'file:a',
      'api:b',
    ]);
  });

  it('keeps the file rules after the cursor with the enabled asked for', () => {
    const files = [file('a'), file('b', { enabled: false }), file('c')];
    const ids = (list: FileRule[]) => list.map(({ rule }) => rule.id);
    expect(ids(fileRulesForPage(files, { afterId: 'a' }))).toEqual(['b', 'c']);
    expect(ids(fileRulesForPage(files, { enabled: true }))).toEqual(['a', 'c']);
    expect(ids(fileRulesForPage(files, { enabled: false, afterId: 'b' }))).toEqual([]);
  });
});

describe('toRuleDto', () => {
  const reports = new AlertingReports();
  reports.apply('r1', {
    replicaId: 'r1',
    reportedAt: new Date(T0).toISOString(),
    intervalMs: 5000,
    rulesFile: null,
    windows: [{ ruleId: 'disk', activeKeys: 3, pendingKeys: 1 }],
  });
  const live = reports.snapshot(T0 + 1000);
  const gone = reports.snapshot(T0 + 60_000);
  const diskFile = file('disk', { channels: [{ type: 'slack', url: SLACK }] });

  it('shows a file rule read-only, with its path, state and no version or timestamps', () => {
    const lastFiredAt = new Date(T0 - 5000);
    expect(toRuleDto(fileItem(diskFile), { openIncidents: 2, lastFiredAt }, live)).toEqual({
      id: 'disk',
      name: 'rule disk',
      enabled: true,
      version: null,
      createdAt: null,
      updatedAt: null,
      definition: diskFile.rule,
      origin: { kind: 'file', path: 'rules.yaml' },
      readOnly: true,
      state: {
        enabled: true,
        activeKeys: 3,
        pendingKeys: 1,
        openIncidents: 2,
        lastFiredAt: lastFiredAt.toISOString(),
        reportedAt: new Date(T0).toISOString(),
      },
    });
  });

  it('says null for the windows once no replica is live, and 0 incidents when there are none', () => {
    expect(toRuleDto(fileItem(diskFile), undefined, gone).state).toEqual({
      enabled: true,
      activeKeys: null,
      pendingKeys: null,
      openIncidents: 0,
      lastFiredAt: null,
      reportedAt: null,
    });
  });

  it("redacts a file rule's channel URLs for a non-admin, as an API rule's", () => {
    const read = toRuleDto(fileItem(diskFile), undefined, live, { id: 'read:1', role: 'read' });
    expect(read.definition.channels).toEqual([{ type: 'slack', url: 'https://hooks.slack.com/…' }]);
    const admin = toRuleDto(fileItem(diskFile), undefined, live, { id: 'admin:1', role: 'admin' });
    expect(admin.definition.channels).toEqual([{ type: 'slack', url: SLACK }]);
  });

  it('shows a table row editable, origin api, with its version and timestamps', () => {
    const dto = toRuleDto({ origin: 'api', id: 'a', row: row('a') }, undefined, live);
    expect(dto).toMatchObject({
      id: 'a',
      version: 2,
      createdAt: new Date(T0 - 60_000).toISOString(),
      updatedAt: new Date(T0).toISOString(),
      origin: { kind: 'api' },
      readOnly: false,
      state: { enabled: true, activeKeys: 0, pendingKeys: 0, openIncidents: 0 },
    });
  });
});
