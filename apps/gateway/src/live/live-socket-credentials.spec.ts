import {
  chosenSubprotocol,
  offeredSubprotocols,
  upgradeCredential,
} from './live-socket-credentials';

const KEY = 'test-read-key-0123456789';

describe('upgradeCredential', () => {
  it('takes the key from X-API-Key', () => {
    expect(upgradeCredential('/ws', { 'x-api-key': KEY })).toEqual({ ok: true, key: KEY });
  });

  it('takes the key from eventmon.key.<key> offered next to eventmon.v1, in any order', () => {
    for (const header of [
      `eventmon.v1, eventmon.key.${KEY}`,
      `eventmon.key.${KEY},eventmon.v1`,
      ` eventmon.v1 ,  eventmon.key.${KEY} `,
    ]) {
      expect(upgradeCredential('/ws', { 'sec-websocket-protocol': header })).toEqual({
        ok: true,
        key: KEY,
      });
    }
  });

  it('refuses a missing key with 401 naming both ways to send one', () => {
    expect(upgradeCredential('/ws', {})).toEqual({
      ok: false,
      status: 401,
      message:
        'missing API key: send X-API-Key, or offer the subprotocols eventmon.v1 and eventmon.key.<key>',
    });
    expect(
      upgradeCredential('/ws', { 'x-api-key': '', 'sec-websocket-protocol': 'eventmon.v1' }),
    ).toMatchObject({ ok: false, status: 401 });
    expect(
      upgradeCredential('/ws', { 'sec-websocket-protocol': 'eventmon.v1, eventmon.key.' }),
    ).toEqual({ ok: false, status: 401, message: 'missing API key after eventmon.key.' });
  });

  it('refuses a key subprotocol without eventmon.v1, two key subprotocols, or a key sent twice', () => {
    expect(
      upgradeCredential('/ws', { 'sec-websocket-protocol': `eventmon.key.${KEY}` }),
    ).toMatchObject({ ok: false, status: 400, message: expect.stringContaining('eventmon.v1') });
    expect(
      upgradeCredential('/ws', {
        'sec-websocket-protocol': `eventmon.v1, eventmon.key.${KEY}, eventmon.key.other-key-0123456789`,
      }),
    ).toEqual({ ok: false, status: 400, message: 'offer one eventmon.key.<key> subprotocol' });
    expect(
      upgradeCredential('/ws', {
        'x-api-key': KEY,
        'sec-websocket-protocol': `eventmon.v1, eventmon.key.${KEY}`,
      }),
    ).toMatchObject({ ok: false, status: 400 });
    expect(upgradeCredential('/ws', { 'x-api-key': [KEY, KEY] })).toEqual({
      ok: false,
      status: 401,
      message: 'send one X-API-Key header',
    });
  });

  it('refuses any query string, so a key in the URL is never taken', () => {
    const answer = upgradeCredential(`/ws?apiKey=${KEY}`, { 'x-api-key': KEY });
    expect(answer).toMatchObject({ ok: false, status: 400 });
    expect(JSON.stringify(answer)).not.toContain(KEY);
  });

  it('never repeats the key in a refusal', () => {
    const refusals = [
      upgradeCredential('/ws', { 'sec-websocket-protocol': `eventmon.key.${KEY}` }),
      upgradeCredential('/ws', {
        'x-api-key': KEY,
        'sec-websocket-protocol': `eventmon.v1, eventmon.key.${KEY}`,
      }),
    ];
    for (const refusal of refusals) expect(JSON.stringify(refusal)).not.toContain(KEY);
  });
});

describe('offeredSubprotocols', () => {
  it('splits, trims and drops empty entries; no header is no protocols', () => {
    expect(offeredSubprotocols(' a, b ,,c')).toEqual(['a', 'b', 'c']);
    expect(offeredSubprotocols(['a, b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(offeredSubprotocols(undefined)).toEqual([]);
  });
});

describe('chosenSubprotocol', () => {
  it('answers eventmon.v1 when offered, never the key subprotocol, and none otherwise', () => {
    expect(chosenSubprotocol(new Set([`eventmon.key.${KEY}`, 'eventmon.v1']))).toBe('eventmon.v1');
    expect(chosenSubprotocol(new Set([`eventmon.key.${KEY}`]))).toBe(false);
    expect(chosenSubprotocol(new Set())).toBe(false);
  });
});
