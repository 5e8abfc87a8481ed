import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DnsResolver, EgressDeniedError, EgressPolicy } from './egress-policy';

/** A resolver that answers from a table, as a hostile or split-horizon DNS would. */
function fakeDns(table: Record<string, string[]>): DnsResolver {
  return (hostname) => {
    const addresses = table[hostname];
    if (!addresses) {
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    }
    return Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

const dns = fakeDns({
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.com': ['10.1.2.3'],
  'mixed.example.com': ['93.184.216.34', '192.168.0.10'],
  'metadata.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'alerts.svc.cluster.local': ['10.96.0.12'],
});

describe('EgressPolicy.checkUrl', () => {
  // The ports of the IP-literal cases below are allowed: each case is about the address alone.
  const policy = new EgressPolicy({ resolve: dns, allowedPorts: ['5432', '8080', '9200'] });

  it('accepts a host name that resolves only to public addresses', async () => {
    await expect(
      policy.checkUrl('https://hooks.example.com/services/T0/B0/secret'),
    ).resolves.toEqual([]);
  });

  it.each([
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is a loopback address'],
    ['http://[::ffff:7f00:1]:8080/x', '::ffff:7f00:1 is a loopback address'],
    ['http://2130706433/', '127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['http://127.1:9200/', '127.0.0.1 is a loopback address'],
    ['http://017700000001/', '127.0.0.1 is a loopback address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a metadata address'],
    ['http://[fd00:ec2::254]/latest/', 'fd00:ec2::254 is a metadata address'],
    ['http://[::1]/', '::1 is a loopback address'],
    ['http://0.0.0.0:5432/', '0.0.0.0 is an unspecified address'],
    ['http://10.0.0.5/', '10.0.0.5 is a private address'],
    ['http://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe is a metadata address'],
    ['http://[2002:7f00:1::]/', '2002:7f00:1:: is a loopback address'],
    ['http://[::7f00:1]/', '::7f00:1 is a loopback address'],
    ['http://224.0.0.1/', '224.0.0.1 is a multicast address'],
  ])('refuses the IP literal in %s', async (url, reason) => {
    const reasons = await policy.checkUrl(url);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain(reason);
  });

  it('refuses a host name whose lookup returns a private address, naming host and address', async () => {
    await expect(policy.checkUrl('https://internal.example.com/hook')).resolves.toEqual([
      'host "internal.example.com" resolves to 10.1.2.3, a private address; only public addresses may be reached unless the host or address is allowed',
    ]);
  });

  it('refuses a host when any one of its addresses is internal', async () => {
    const reasons = await policy.checkUrl('https://mixed.example.com/');
    expect(reasons).toEqual([
      expect.stringContaining('resolves to 192.168.0.10, a private address'),
    ]);
  });

  it('classifies resolved IPv4-mapped and metadata addresses', async () => {
    expect(await policy.checkUrl('http://mapped.example.com/')).toEqual([
      expect.stringContaining('resolves to ::ffff:127.0.0.1, a loopback address'),
    ]);
    expect(await policy.checkUrl('http://metadata.example.com/')).toEqual([
      expect.stringContaining('a metadata address'),
    ]);
  });

  it('reports a host that does not resolve', async () => {
    await expect(policy.checkUrl('https://nowhere.example.com/')).resolves.toEqual([
      'host "nowhere.example.com" does not resolve (ENOTFOUND)',
    ]);
  });

  it('refuses other schemes and embedded credentials without echoing them', async () => {
    expect(await policy.checkUrl('ftp://hooks.example.com/')).toEqual([
      'must use http or https, got ftp',
    ]);
    const reasons = await policy.checkUrl('https://user:hunter2@hooks.example.com/');
    expect(reasons).toEqual(['must not embed credentials']);
    expect(await policy.checkUrl('not a url')).toEqual(['not a valid URL']);
  });

  it('never puts the path or query in a reason', async () => {
    const reasons = await policy.checkUrl(
      'http://10.0.0.5/services/T000/B000/XXXXSECRET?token=abc123',
    );
    expect(reasons.join(' ')).not.toMatch(/services|SECRET|abc123/);
  });
});

describe('EgressPolicy allowed hosts', () => {
  it('lets an allowed host name through whatever it resolves to', async () => {
    const policy = new EgressPolicy({ resolve: dns, allowedHosts: ['Internal.Example.com.'] });
    await expect(policy.checkUrl('https://internal.example.com/hook')).resolves.toEqual([]);
    await expect(policy.checkUrl('https://mixed.example.com/')).resolves.toHaveLength(1);
  });

  it('lets addresses inside an allowed CIDR through, for names and literals', async () => {
    const policy = new EgressPolicy({ resolve: dns, allowedHosts: ['10.0.0.0/8', '127.0.0.1'] });
    await expect(policy.checkUrl('https://internal.example.com/')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://10.200.0.1/')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://127.0.0.1/')).resolves.toEqual([]);
    // The same loopback address spelled as IPv4-mapped IPv6 is the same host.
    await expect(policy.checkUrl('http://[::ffff:127.0.0.1]/')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://127.0.0.2/')).resolves.toHaveLength(1);
    await expect(policy.checkUrl('http://169.254.169.254/')).resolves.toHaveLength(1);
  });

  it('supports *.domain wildcards for subdomains only', async () => {
    const policy = new EgressPolicy({ resolve: dns, allowedHosts: ['*.svc.cluster.local'] });
    await expect(policy.checkUrl('http://alerts.svc.cluster.local/')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://internal.example.com/')).resolves.toHaveLength(1);
  });

  it('fails construction naming every invalid entry', () => {
    expect(
      () =>
        new EgressPolicy({
          allowedHosts: ['ok.example.com', 'http://x.example.com', 'host:8080', '10.0.0.0/33', ' '],
        }),
    ).toThrow(
      'invalid allowed host entries "http://x.example.com", "host:8080", "10.0.0.0/33": use host names, *.domain wildcards, IP addresses or CIDRs, without scheme or port',
    );
  });
});

describe('EgressPolicy allowed ports', () => {
  const portHint = 'only ports 80 and 443 may be used unless NOTIFY_ALLOWED_PORTS lists the port';

  it('refuses a public address on any port but 80 and 443', async () => {
    const policy = new EgressPolicy({ resolve: dns });
    await expect(policy.checkUrl('http://8.8.8.8:22/')).resolves.toEqual([
      `port 22 is not allowed; ${portHint}`,
    ]);
    await expect(policy.checkUrl('https://hooks.example.com:8443/x')).resolves.toEqual([
      `port 8443 is not allowed; ${portHint}`,
    ]);
    expect(policy.checkUrlShape('http://8.8.8.8:6379/')).toEqual({
      ok: false,
      reasons: [`port 6379 is not allowed; ${portHint}`],
    });
  });

  it('accepts the default ports, written or not, for either scheme', async () => {
    const policy = new EgressPolicy({ resolve: dns });
    for (const url of [
      'http://8.8.8.8/',
      'http://8.8.8.8:80/',
      'https://8.8.8.8/',
      'https://8.8.8.8:443/',
      'http://8.8.8.8:443/',
      'https://hooks.example.com:80/',
    ]) {
      await expect(policy.checkUrl(url)).resolves.toEqual([]);
    }
  });

  it('accepts the ports and ranges NOTIFY_ALLOWED_PORTS lists, and only those', async () => {
    const policy = new EgressPolicy({ resolve: dns, allowedPorts: [' 8443', '9000-9100'] });
    await expect(policy.checkUrl('https://hooks.example.com:8443/x')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://8.8.8.8:9000/')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://8.8.8.8:9100/')).resolves.toEqual([]);
    await expect(policy.checkUrl('http://8.8.8.8:9101/')).resolves.toHaveLength(1);
    await expect(policy.checkUrl('http://8.8.8.8:22/')).resolves.toHaveLength(1);
  });

  it('lists a refused port beside a refused address: an allowed host does not open every port', async () => {
    const policy = new EgressPolicy({ resolve: dns, allowedHosts: ['10.0.0.0/8'] });
    await expect(policy.checkUrl('http://10.0.0.5:5432/')).resolves.toEqual([
      `port 5432 is not allowed; ${portHint}`,
    ]);
    const closed = new EgressPolicy({ resolve: dns });
    await expect(closed.checkUrl('http://10.0.0.5:5432/')).resolves.toHaveLength(2);
  });

  it('fails construction naming every invalid port entry', () => {
    expect(
      () => new EgressPolicy({ allowedPorts: ['8080', 'http', '0', '70000', '9-8', '1-2-3', ' '] }),
    ).toThrow(
      'invalid allowed port entries "http", "0", "70000", "9-8", "1-2-3": use port numbers (1-65535) or ranges such as 8000-8100',
    );
  });
});

describe('EgressPolicy.lookup (send-time enforcement)', () => {
  let server: Server;
  let port: number;
  let requests: number;

  beforeAll(async () => {
    requests = 0;
    server = createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function get(host: string, policy: EgressPolicy): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host, port, path: '/', lookup: policy.lookup, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses to connect when the name resolves to an internal address at send time (rebinding)', async () => {
    const before = requests;
    const policy = new EgressPolicy({ resolve: fakeDns({ 'rebind.example.com': ['127.0.0.1'] }) });
    const error = await get('rebind.example.com', policy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect((error as EgressDeniedError).message).toContain(
      'host "rebind.example.com" resolves to 127.0.0.1, a loopback address',
    );
    expect(requests).toBe(before);
  });

  it('connects to the resolved address when it is allowed', async () => {
    const before = requests;
    const policy = new EgressPolicy({
      resolve: fakeDns({ 'rebind.example.com': ['127.0.0.1'] }),
      allowedHosts: ['127.0.0.0/8'],
    });
    await expect(get('rebind.example.com', policy)).resolves.toBe(200);
    expect(requests).toBe(before + 1);
  });

  it('answers both the single-address and the all-addresses forms', async () => {
    const policy = new EgressPolicy({
      resolve: fakeDns({ 'two.example.com': ['93.184.216.34', '2606:4700::1'] }),
    });
    const single = await new Promise<unknown[]>((resolve) =>
      policy.lookup('two.example.com', { family: 6 }, (...args) => resolve(args)),
    );
    expect(single).toEqual([null, '2606:4700::1', 6]);
    const all = await new Promise<unknown[]>((resolve) =>
      policy.lookup('two.example.com', { all: true }, (...args) => resolve(args)),
    );
    expect(all).toEqual([
      null,
      [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
    ]);
  });

  it('passes resolver failures through unchanged', async () => {
    const policy = new EgressPolicy({ resolve: fakeDns({}) });
    const [error] = await new Promise<unknown[]>((resolve) =>
      policy.lookup('gone.example.com', {}, (...args) => resolve(args)),
    );
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
