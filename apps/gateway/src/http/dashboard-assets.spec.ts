import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { dashboardAssets } from './dashboard-assets';

describe('dashboardAssets', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    writeFileSync(join(dir, 'index.html'), '<h1>dashboard</h1>');
    mkdirSync(join(dir, 'charts'));
    writeFileSync(join(dir, 'charts', 'rate.js'), 'export {};');
    const app = express();
    app.use(dashboardAssets(dir));
    app.use((_request, response) => void response.status(404).send('passed on'));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the index at / and every file listed at start-up, nested ones too', async () => {
    const index = await fetch(`${base}/`);
    expect([index.status, await index.text()]).toEqual([200, '<h1>dashboard</h1>']);
    const nested = await fetch(`${base}/charts/rate.js`);
    expect([nested.status, await nested.text()]).toEqual([200, 'export {};']);
  });

  it('passes every other path on without looking for a file', async () => {
    writeFileSync(join(dir, 'added-later.js'), 'late');
    for (const path of ['/api/events', '/added-later.js', '/%2e%2e/index.html', '/charts']) {
      const response = await fetch(`${base}${path}`);
      expect([path, response.status, await response.text()]).toEqual([path, 404, 'passed on']);
    }
  });
});
