import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { DASHBOARD_CSP, dashboardAssets } from './dashboard-assets';

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

  /** The path sent as written: fetch would resolve the dot segments before sending. */
  const rawGet = (path: string) =>
    new Promise<[number | undefined, string]>((resolve, reject) => {
      get(`${base}/`, { path }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve([response.statusCode, body]));
      }).on('error', reject);
    });

  it('serves the index at / and every file listed at start-up, nested ones too', async () => {
    const index = await fetch(`${base}/`);
    expect([index.status, await index.text()]).toEqual([200, '<h1>dashboard</h1>']);
    const nested = await fetch(`${base}/charts/rate.js`);
    expect([nested.status, await nested.text()]).toEqual([200, 'export {};']);
  });

  it('sends its own strict Content-Security-Policy with the files: no inline style or script', async () => {
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    for (const directive of ["script-src 'self'", "style-src 'self'", "object-src 'none'"]) {
      expect(DASHBOARD_CSP.split(';')).toContain(directive);
    }
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|https:|\*/);
  });

  it('passes every other path on without looking for a file', async () => {
    writeFileSync(join(dir, 'added-later.js'), 'late');
    for (const path of ['/api/events', '/added-later.js', '/../index.html', '/charts']) {
      expect([path, ...(await rawGet(path))]).toEqual([path, 404, 'passed on']);
    }
  });
});
