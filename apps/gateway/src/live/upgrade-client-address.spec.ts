import type { IncomingMessage } from 'node:http';
import express from 'express';
import { upgradeClientAddress } from './upgrade-client-address';

const upgrade = (remoteAddress: string, forwardedFor?: string) =>
  ({
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    socket: { remoteAddress },
  }) as unknown as IncomingMessage;

describe('upgradeClientAddress', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const app = express();
    app.set('trust proxy', false);
    expect(upgradeClientAddress(app, upgrade('10.0.0.7', '203.0.113.9'))).toBe('10.0.0.7');
  });

  it('is the forwarded client when the socket is a trusted proxy, as req.ip is', () => {
    const app = express();
    app.set('trust proxy', ['10.0.0.7']);
    expect(upgradeClientAddress(app, upgrade('10.0.0.7', '203.0.113.9'))).toBe('203.0.113.9');
    // A client that is not the proxy cannot choose its address by sending the header.
    expect(upgradeClientAddress(app, upgrade('10.0.0.8', '203.0.113.9'))).toBe('10.0.0.8');
  });
});
