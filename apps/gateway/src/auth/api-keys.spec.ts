import { createHash } from 'node:crypto';
import { ApiKeys } from './api-keys';

const KEY = 'ops-team-key-0123456789';
const plainPrefix = createHash('sha256').update(KEY).digest('hex').slice(0, 12);

describe('ApiKeys fingerprints', () => {
  it('names a key by a keyed HMAC, not by the plain SHA-256 prefix anyone could compute', () => {
    const principal = new ApiKeys([`${KEY}=read`], 'deployment-secret-one').find(KEY);
    expect(principal?.role).toBe('read');
    expect(principal?.id).toMatch(/^read:[0-9a-f]{12}$/);
    expect(principal?.id).not.toBe(`read:${plainPrefix}`);
  });

  it('gives the same key the same fingerprint under one secret and another under a second', () => {
    const one = new ApiKeys([`${KEY}=admin`], 'deployment-secret-one').find(KEY)?.id;
    const again = new ApiKeys([`${KEY}=admin`], 'deployment-secret-one').find(KEY)?.id;
    const other = new ApiKeys([`${KEY}=admin`], 'deployment-secret-two').find(KEY)?.id;
    expect(one).toBe(again);
    expect(other).not.toBe(one);
  });

  it('still finds nothing for an unknown key', () => {
    expect(new ApiKeys([`${KEY}=admin`], 'secret').find('another-key-0123456789')).toBeUndefined();
  });
});
