import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { AppHarness } from '../support/app-harness';
import { startAlerting } from '../support/alerting';
import { startConsumer } from '../support/consumer';
import { createScratchDatabase, ScratchDatabase } from '../support/database';
import { RunningGateway, startGateway, TEST_KEYS } from '../support/gateway';
import { eventually } from '../support/eventually';
import { uniqueSuffix } from '../support/integration-env';

/** How long the incident may take to show once its events are sent (on this machine). */
const INCIDENT_BOUND_MS = 10000;

/** Debian's chromium (CI installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The on-call flow in a real headless browser against the whole pipeline: gateway, alerting
 * and consumer on the real broker and database. Nothing is reloaded after the first load:
 * the incident must arrive over the live stream.
 */
describe('dashboard in headless chromium', () => {
  const prefix = `gw-dash-${uniqueSuffix()}-`;
  let db: ScratchDatabase;
  let gateway: RunningGateway;
  let apps: AppHarness[] = [];
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    }
    db = await createScratchDatabase('gwdash');
    gateway = await startGateway(prefix, db.url);
    const alerting = startAlerting(prefix);
    apps = [startConsumer(prefix, db.url), alerting];
    // Start-up is not what the bound below measures: alerting evaluates once it owns partitions.
    await eventually(() => expect(alerting.output()).toMatch(/windows ready/), {
      timeoutMs: 60000,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    for (const app of apps) await app.stop();
    await gateway?.app.stop();
    await db?.drop();
  });

  it('creates a rule, shows the incident that events cause without a reload, and acknowledges it', async () => {
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(gateway.url);
    await page.fill('#api-key', TEST_KEYS.admin);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#connection:has-text("live")');

    const ruleName = `dashboard rule ${prefix}`;
    const rule = {
      name: ruleName,
      match: { types: ['dashboard.test'] },
      groupBy: 'source',
      window: { kind: 'sliding', seconds: 60 },
      condition: { aggregate: 'count', operator: '>=', threshold: 3 },
      severity: 'critical',
      cooldownSeconds: 0,
      channels: [{ type: 'console' }],
    };
    await page.fill('#rule-json', JSON.stringify(rule));
    await page.click('#rule-save');
    await page.waitForSelector(`#rules tr:has-text("${ruleName}")`);

    // Sent once, right after the rule was saved: the rule counts events from its activation,
    // whether they reach alerting before or after the rule itself.
    const source = `checkout-${uniqueSuffix()}`;
    const row = page.locator(`#incidents tr:has-text("${source}")`);
    const events = [1, 2, 3].map(() => ({ type: 'dashboard.test', source, severity: 'high' }));
    const sent = await gateway.call('ingest', 'POST', '/api/events', events);
    expect(sent.status).toBe(202);
    await row.waitFor({ timeout: INCIDENT_BOUND_MS });
    await expect(row.locator('[data-role=status]').textContent()).resolves.toBe('open');

    const incidentId = await row.getAttribute('data-incident-id');
    await row.locator('button:has-text("Acknowledge")').click();
    await page.waitForSelector(
      `#incidents tr[data-incident-id="${incidentId}"] [data-role=status]:has-text("acknowledged")`,
    );
    const stored = await gateway.call('read', 'GET', `/api/incidents/${incidentId}`);
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body)).toContain('"acknowledged"');
    expect(pageErrors).toEqual([]);
  });
});
