import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Producer } from 'kafkajs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { Topic, topicName } from '@app/contracts';
import { repoRoot } from '../../tools/stack/repo-root';
import { AppHarness } from '../support/app-harness';
import { startAlerting } from '../support/alerting';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway, TEST_KEYS, TestRole } from '../support/gateway';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';
import { testKafka } from '../support/kafka';

/** How long the incident may take to show once its events are sent (on this machine). */
const INCIDENT_BOUND_MS = 10000;
/** How long a view may take to show what the API answers (page and API on this machine). */
const VIEW_BOUND_MS = 5000;

/** Debian's chromium (CI installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where the run leaves its screenshots of the main views: under .local (ignored by git), so a
 * test run does not change tracked files; DASHBOARD_SCREENSHOTS_DIR=docs/screenshots refreshes
 * the ones the docs show.
 */
const SCREENSHOTS = resolve(
  repoRoot(),
  process.env.DASHBOARD_SCREENSHOTS_DIR ?? join('.local', 'test', 'screenshots'),
);
const PREDEFINED_ID = 'dashboard-predefined-burst';

/**
 * The on-call flows in a real headless browser against the whole pipeline: gateway, alerting
 * (with a rules file) and consumer on the real broker and database. The tests run in order on
 * one admin page, as one user would use it; nothing is reloaded after the first load, so
 * incidents must arrive over the live stream. The last test opens a second page with a read key.
 */
describe('dashboard in headless chromium', () => {
  const prefix = `gw-dash-${uniqueSuffix()}-`;
  const rulesDir = mkdtempSync(join(tmpdir(), 'dashboard-rules-'));
  const rulesFile = join(rulesDir, 'predefined-rules.yaml');
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let apps: AppHarness[] = [];
  let producer: Producer;
  let browser: Browser;
  let page: Page;
  /**
   * Uncaught errors and console errors of every page, CSP refusals included: none expected.
   * Chromium also logs every 4xx answer as "Failed to load resource"; those are the API's
   * refusals, which the tests below provoke on purpose and assert the page shows.
   */
  const pageErrors: string[] = [];
  let incidentId: string;
  const ruleName = `dashboard rule ${prefix}`;

  async function openPage(role: TestRole): Promise<[BrowserContext, Page]> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const opened = await ctx.newPage();
    opened.on('pageerror', (error) => pageErrors.push(`${role}: ${error.message}`));
    opened.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !text.startsWith('Failed to load resource: the server')) {
        pageErrors.push(`${role} console: ${text}`);
      }
    });
    await opened.goto(gateway.url);
    await opened.fill('#api-key', TEST_KEYS[role]);
    await opened.click('#key-form button[type=submit]');
    await opened.waitForSelector('#connection:has-text("live")');
    return [ctx, opened];
  }

  const screenshot = (name: string, target: Page = page) =>
    target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  /** Sends events through the API and waits until the consumer has stored them all. */
  async function storedEvents(events: Record<string, unknown>[], type: string): Promise<void> {
    const sent = await gateway.call('ingest', 'POST', '/api/events', events);
    expect(sent.status).toBe(202);
    await eventually(async () => {
      const page = await gateway.call('read', 'GET', `/api/events?type=${type}&limit=1000`);
      expect(page.body.items.length).toBeGreaterThanOrEqual(events.length);
    });
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(
      rulesFile,
      [
        'rules:',
        `  - id: ${PREDEFINED_ID}`,
        '    name: Predefined dashboard burst',
        '    match: { types: [dashboard.predefined] }',
        '    window: { kind: sliding, seconds: 60 }',
        "    condition: { aggregate: count, operator: '>=', threshold: 100 }",
        '    channels: [{ type: console }]',
        '',
      ].join('\n'),
    );
    db = await createScratchDatabase('gwdash');
    gateway = await startGateway(prefix, db.url);
    const alerting = startAlerting(prefix, { ALERTING_RULES_FILE: rulesFile });
    apps = [startConsumer(prefix, db.url), alerting];
    // Start-up is not what the bounds below measure: alerting evaluates once it owns partitions.
    await eventually(() => expect(alerting.output()).toMatch(/windows ready/), {
      timeoutMs: 60000,
    });
    producer = testKafka().producer();
    await producer.connect();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    [, page] = await openPage('admin');
  });
  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    for (const app of apps) await app.stop();
    await gateway?.app.stop();
    await db?.drop();
    rmSync(rulesDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    expect(pageErrors).toEqual([]);
    // A view that failed to draw says so in the page's error box rather than throwing.
    await expect(page.locator('#error').textContent()).resolves.toBe('');
  });

  it('runs under its own Content-Security-Policy, which refuses inline style and script', async () => {
    // Written as a string: the test's TypeScript has no DOM types. Resolves with the directives
    // the browser reports as violated (within 2 s).
    const violated = await page.evaluate(`new Promise((resolve) => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective));
      const styled = document.createElement('div');
      styled.setAttribute('style', 'color: red');
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true';
      document.body.append(styled, script);
      setTimeout(() => resolve([...seen].sort()), 2000);
    })`);
    expect(violated).toEqual(['script-src-elem', 'style-src-attr']);
    await expect(page.evaluate('window.inlineScriptRan === undefined')).resolves.toBe(true);
    // Chromium reports each refusal on the console too: these two were provoked here.
    const provoked =
      /(Applying inline style|Executing inline script) violates .*Content Security Policy/;
    expect(pageErrors.filter((e) => provoked.test(e))).toHaveLength(2);
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !provoked.test(e)));
  });

  it('lists the predefined rule of the rules file as read-only, with its file and state', async () => {
    await page.click('#nav a[data-view=rules]');
    const row = page.locator(`#rules tr[data-rule-id="${PREDEFINED_ID}"]`);
    await row.waitFor({ timeout: VIEW_BOUND_MS });
    await expect(row.locator('.origin').textContent()).resolves.toContain(rulesFile);
    await expect(row.locator('.origin .read-only').count()).resolves.toBe(1);
    await expect(row.locator('[data-role=enabled]').textContent()).resolves.toBe('enabled');
    await expect(row.locator('[data-role=open-incidents]').textContent()).resolves.toBe(
      '0 open incidents',
    );
    // Read-only: no Edit, Disable or Delete; only a copy can be edited.
    await expect(row.locator('button').allTextContents()).resolves.toEqual(['Copy to new rule']);
    // What the page shows is what the API says.
    const listed = await gateway.call('admin', 'GET', '/api/rules?limit=1000');
    const predefined = (listed.body.items as { id: string }[]).find((r) => r.id === PREDEFINED_ID);
    expect(predefined).toMatchObject({ readOnly: true, origin: { kind: 'file', path: rulesFile } });
  });

  it('validates a rule as it is typed with the API reasons, keeps the JSON in step, previews it and creates it', async () => {
    // History for the preview: 4 events a minute ago (one crossing), and single ones 45, 30 and
    // 15 minutes ago (below the threshold), all from a source the live test does not use.
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const history = [1, 1, 1, 1, 15, 30, 45].map((m) => ({
      type: 'dashboard.test',
      source: 'history-client',
      severity: 'high',
      occurredAt: minutesAgo(m),
    }));
    await storedEvents(history, 'dashboard.test');

    const field = (path: string) => page.locator(`#rule-form [data-path="${path}"]`);
    await field('name').fill(ruleName);
    await field('match.types').fill('dashboard.test');
    await field('window.seconds').fill('0');
    // The form asks POST /api/rules/validate (debounced) and pins its reasons on the fields.
    await page.waitForSelector('#rule-reasons li:has-text("\\"window.seconds\\"")', {
      timeout: VIEW_BOUND_MS,
    });
    await expect(field('window.seconds').getAttribute('class')).resolves.toContain('invalid');
    const apiReasons = await gateway.call('admin', 'POST', '/api/rules', {
      ...JSON.parse(await page.inputValue('#rule-json')),
    });
    expect(apiReasons.status).toBe(400);
    await expect(page.locator('#rule-reasons li').allTextContents()).resolves.toEqual(
      apiReasons.body.message,
    );
    await field('window.seconds').fill('60');
    await field('condition.threshold').fill('3');
    await field('severity').selectOption('critical');
    await field('cooldownSeconds').fill('0');
    await page.waitForSelector('#rule-validity.valid', { timeout: VIEW_BOUND_MS });
    await expect(page.locator('#rule-reasons li').count()).resolves.toBe(0);

    // The JSON view follows the form, and the form follows the JSON.
    const json = JSON.parse(await page.inputValue('#rule-json'));
    expect(json).toMatchObject({
      name: ruleName,
      match: { types: ['dashboard.test'] },
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 3 },
      severity: 'critical',
      cooldownSeconds: 0,
      channels: [{ type: 'console' }],
    });
    const description = 'written in the JSON view';
    await page.fill('#rule-json', JSON.stringify({ ...json, description }, null, 2));
    await expect(field('description').inputValue()).resolves.toBe(description);

    // The preview over the last hour: the 4 events a minute ago cross the threshold once.
    await page.selectOption('#rule-preview-range', '1h');
    await page.click('#rule-preview-run');
    const summary = page.locator('#rule-preview-summary[data-incidents]');
    await summary.waitFor({ timeout: VIEW_BOUND_MS });
    await expect(summary.getAttribute('data-incidents')).resolves.toBe('1');
    await expect(summary.textContent()).resolves.toMatch(/^1 incident would have opened/);
    await expect(page.locator('#rule-preview-chart .threshold').count()).resolves.toBe(1);
    await expect(page.locator('#rule-preview-chart .marker').count()).resolves.toBe(1);
    await expect(page.locator('#rule-preview-incidents li').textContent()).resolves.toContain(
      'history-client',
    );
    await screenshot('rules');

    await page.click('#rule-save');
    await page.waitForSelector(`#rules tr:has-text("${ruleName}")`, { timeout: VIEW_BOUND_MS });
  });

  it('shows the incident that events cause without a reload, acknowledges it, and opens its detail', async () => {
    await page.click('#nav a[data-view=incidents]');
    // Sent once, right after the rule was saved: the rule counts events from its activation,
    // whether they reach alerting before or after the rule itself.
    const source = `checkout-${uniqueSuffix()}`;
    const row = page.locator(`#incidents tr:has-text("${source}")`);
    const events = [1, 2, 3].map((n) => ({
      type: 'dashboard.test',
      source,
      severity: 'high',
      payload: { order: n },
    }));
    const sent = await gateway.call('ingest', 'POST', '/api/events', events);
    expect(sent.status).toBe(202);
    await row.waitFor({ timeout: INCIDENT_BOUND_MS });
    await expect(row.locator('[data-role=status]').textContent()).resolves.toBe('open');

    incidentId = (await row.getAttribute('data-incident-id'))!;
    await row.locator('button:has-text("Acknowledge")').click();
    await page.waitForSelector(
      `#incidents tr[data-incident-id="${incidentId}"] [data-role=status]:has-text("acknowledged")`,
    );
    const stored = await gateway.call('read', 'GET', `/api/incidents/${incidentId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.status).toBe('acknowledged');
    await screenshot('incidents');

    await row.locator('a.incident-link').click();
    const acknowledged = page.locator('#incident-timeline li[data-step=acknowledged]');
    await acknowledged.waitFor({ timeout: VIEW_BOUND_MS });
    await expect(acknowledged.textContent()).resolves.toContain(stored.body.acknowledgedBy);
    await expect(
      page.locator('#incident-timeline li[data-step=resolved]').textContent(),
    ).resolves.toContain('not yet');
    await expect(page.locator('#incident-events a.event-link').count()).resolves.toBe(3);
    // The console channel's delivery, recorded by alerting and stored by the consumer.
    await page.waitForSelector('#incident-deliveries .channel[data-channel=console]', {
      timeout: INCIDENT_BOUND_MS,
    });
    // A delivery stored after the detail was drawn shows on the next lifecycle message: resolve.
    await page.locator('#incident-detail button:has-text("Resolve")').click();
    await page.waitForSelector('#incident-timeline li[data-step=resolved].done', {
      timeout: VIEW_BOUND_MS,
    });
    await expect(
      page
        .locator('#incident-deliveries .channel[data-channel=console] .outcome-delivered')
        .count(),
    ).resolves.toBeGreaterThan(0);
    await screenshot('incident-detail');

    await page.locator('#incident-events a.event-link').first().click();
    await page.waitForSelector('#event-detail h2:has-text("dashboard.test")', {
      timeout: VIEW_BOUND_MS,
    });
    await expect(page.locator('#event-detail pre.payload').textContent()).resolves.toMatch(
      /^\{\n {2}"order": \d\n\}$/,
    );
  });

  it('browses events with a filter and keyset paging, payloads formatted', async () => {
    const type = `dashboard.browse.${uniqueSuffix()}`;
    const base = Date.now() - 120_000;
    const events = Array.from({ length: 30 }, (_, n) => ({
      type,
      source: 'browse-source',
      severity: n % 2 ? 'low' : 'medium',
      occurredAt: new Date(base + n * 1000).toISOString(),
      payload: { n, nested: { ok: true } },
    }));
    await storedEvents(events, type);

    await page.click('#nav a[data-view=events]');
    await page.fill('#events-filter [name=type]', type);
    await page.click('#events-filter button[type=submit]');
    const rows = page.locator('#events tr[data-event-id]');
    const eventIdsShown = async () => {
      const ids: (string | null)[] = [];
      for (let i = 0; i < (await rows.count()); i++) {
        ids.push(await rows.nth(i).getAttribute('data-event-id'));
      }
      return ids;
    };
    await page.waitForSelector(`#events[data-query^="?type=${type}&"]`, {
      timeout: VIEW_BOUND_MS,
    });
    await expect(rows.count()).resolves.toBe(25);
    const first = await eventIdsShown();
    await page.locator('#events .payload-toggle').first().click();
    // Newest first: the first row is n = 29, its payload indented JSON.
    await expect(page.locator('#events pre.payload').first().textContent()).resolves.toBe(
      JSON.stringify({ n: 29, nested: { ok: true } }, null, 2),
    );
    await screenshot('events');

    await page.click('#events-next');
    await page.waitForSelector('#events[data-query*="&cursor="]', { timeout: VIEW_BOUND_MS });
    await expect(page.locator('#events-page').textContent()).resolves.toBe('page 2');
    await expect(rows.count()).resolves.toBe(5);
    const second = await eventIdsShown();
    expect(new Set([...first, ...second]).size).toBe(30);
    await expect(page.locator('#events-next').isDisabled()).resolves.toBe(true);

    // The severity filter narrows what the API returns.
    await page.selectOption('#events-filter [name=severity]', 'low');
    await page.click('#events-filter button[type=submit]');
    await page.waitForSelector(`#events[data-query="?type=${type}&severity=low&limit=25"]`, {
      timeout: VIEW_BOUND_MS,
    });
    await expect(rows.count()).resolves.toBe(15);
  });

  it('lists a dead letter with its reasons, refuses it as is, and replays it corrected', async () => {
    const key = `poison-${uniqueSuffix()}`;
    await producer.send({
      topic: topicName(Topic.Events, prefix),
      messages: [{ key, value: JSON.stringify({ source: key, severity: 'high' }) }],
    });
    await eventually(async () => {
      const listed = await gateway.call('read', 'GET', '/api/dlq?limit=100');
      expect((listed.body as { key: string }[]).map((d) => d.key)).toContain(key);
    });

    await page.click('#nav a[data-view=dlq]');
    const row = page.locator(`#dead-letters tr:has-text("${key}")`);
    await row.waitFor({ timeout: VIEW_BOUND_MS });
    await expect(row.locator('.reasons').textContent()).resolves.toContain('"type" is required');
    await expect(row.locator('.badge').textContent()).resolves.toBe('validation');
    await screenshot('dead-letters');

    await row.locator('button.replay').click();
    await expect(
      row.locator('.replay-outcome .invalid').textContent({ timeout: VIEW_BOUND_MS }),
    ).resolves.toContain('"type" is required');

    await row.locator('button.correct').click();
    const editorRow = row.locator('xpath=following-sibling::tr[1]');
    const editor = editorRow.locator('textarea');
    const original = JSON.parse(await editor.inputValue());
    expect(original).toEqual({ source: key, severity: 'high' });
    await editor.fill(JSON.stringify({ ...original, type: 'dashboard.replayed' }, null, 2));
    await editorRow.locator('button.replay-corrected').click();
    const replayed = row.locator('.replay-outcome a.replayed-event');
    await replayed.waitFor({ timeout: VIEW_BOUND_MS });
    const eventId = (await replayed.textContent())!;
    await eventually(async () => {
      const stored = await gateway.call('read', 'GET', `/api/events/${eventId}`);
      expect(stored.body).toMatchObject({ type: 'dashboard.replayed', source: key });
    });
  });

  it('draws the event rate by type stacked, the top sources and severities, with values on hover', async () => {
    // The stored counts trail the events (by up to 30 s for events dated over a minute back,
    // as these are): the charts draw what the API says for their range, the last hour.
    await eventually(async () => {
      const to = new Date();
      const range = `from=${new Date(to.getTime() - 3_600_000).toISOString()}&to=${to.toISOString()}`;
      const summary = await gateway.call('read', 'GET', `/api/analytics/summary?${range}`);
      expect(summary.body.topSources).toContainEqual({ key: 'browse-source', count: 30 });
    });
    await page.click('#nav a[data-view=charts]');
    const area = page.locator('#chart-rate polygon.area[data-series="dashboard.test"]');
    await area.waitFor({ timeout: VIEW_BOUND_MS });
    await expect(
      page.locator('#chart-sources .bar[data-label="browse-source"]').count(),
    ).resolves.toBe(1);
    await expect(page.locator('#chart-severity .bar').count()).resolves.toBe(4);
    // Time axis labels and the hover box with the values at the pointer.
    await expect(page.locator('#chart-rate .axes text').count()).resolves.toBeGreaterThan(4);
    const box = (await page.locator('#chart-rate .hover-area').boundingBox())!;
    await page.mouse.move(box.x + box.width - 5, box.y + box.height / 2);
    await expect(page.locator('#chart-rate .hover-box').getAttribute('visibility')).resolves.toBe(
      'visible',
    );
    await expect(page.locator('#chart-rate .hover-box').textContent()).resolves.toContain('total:');
    await screenshot('charts');

    await page.click('.ranges a[data-range="7d"]');
    await page.waitForSelector('.ranges a[data-range="7d"][aria-current=true]');
    await page.locator('#chart-rate polygon.area').first().waitFor({ timeout: VIEW_BOUND_MS });
  });

  it('gives a read key no write buttons, and the API refuses its changes', async () => {
    const [readContext, reader] = await openPage('read');
    try {
      await expect(reader.locator('#whoami').textContent()).resolves.toContain('(read)');
      const row = reader.locator(`#incidents tr[data-incident-id="${incidentId}"]`);
      await row.waitFor({ timeout: VIEW_BOUND_MS });
      await expect(reader.locator('#incidents button').count()).resolves.toBe(0);

      await row.locator('a.incident-link').click();
      await reader.locator('#incident-timeline').waitFor({ timeout: VIEW_BOUND_MS });
      await expect(reader.locator('#incident-detail button').count()).resolves.toBe(0);

      await reader.click('#nav a[data-view=rules]');
      await reader.locator(`#rules tr:has-text("${ruleName}")`).waitFor({ timeout: VIEW_BOUND_MS });
      await expect(reader.locator('#rules button').count()).resolves.toBe(0);
      await expect(reader.locator('#rule-editor').count()).resolves.toBe(0);

      await reader.click('#nav a[data-view=dlq]');
      await reader
        .locator('#dead-letters tr[data-dlq-id]')
        .first()
        .waitFor({ timeout: VIEW_BOUND_MS });
      await expect(reader.locator('#dead-letters button').count()).resolves.toBe(0);
    } finally {
      await readContext.close();
    }
    // The buttons are gone because the API would refuse them anyway.
    for (const [method, path, body] of [
      ['POST', `/api/incidents/${incidentId}/acknowledge`, {}],
      ['POST', '/api/rules', { name: 'x', match: { types: ['x'] }, window: { seconds: 60 } }],
      ['POST', '/api/dlq/replay', { ids: ['0-0'] }],
    ] as const) {
      expect([path, (await gateway.call('read', method, path, body)).status]).toEqual([path, 403]);
    }
  });
});
