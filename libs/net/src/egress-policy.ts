import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyParsed } from './address-class';
import { HostAllowList, normaliseHost } from './host-allow-list';
import { parseIp } from './ip-address';
import { PortAllowList } from './port-allow-list';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to; injectable so tests can play a hostile DNS. */
export type DnsResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The resolver node:http itself would use (getaddrinfo: /etc/hosts, then DNS). */
export const systemResolver: DnsResolver = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/** Raised by the guarded lookup; never worth a retry, the answer will not change on its own. */
export class EgressDeniedError extends Error {
  readonly code = 'EEGRESSDENIED';

  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'EgressDeniedError';
  }
}

export interface EgressPolicyOptions {
  /** Host names, `*.domain` wildcards, IP literals and CIDRs that may be reached anyway. */
  allowedHosts?: readonly string[];
  /** Ports beyond 80 and 443 that URLs may use: numbers or `from-to` ranges. */
  allowedPorts?: readonly string[];
  resolve?: DnsResolver;
}

export type UrlShape = { ok: true; url: URL } | { ok: false; reasons: string[] };

const PORT_HINT = 'only ports 80 and 443 may be used unless NOTIFY_ALLOWED_PORTS lists the port';
const ALLOW_HINT = 'only public addresses may be reached unless the host or address is allowed';

/**
 * Where outbound notifications may go (SSRF guard). Rule authors supply URLs, so without it a
 * rule could make the service POST to its cloud metadata endpoint, a database admin port or
 * anything else on the internal network. Checked twice: when a rule is accepted
 * (`checkUrl`, for a clear error to its author), and again on every connection (`lookup`),
 * because DNS can answer differently at send time (rebinding).
 */
export class EgressPolicy {
  private readonly allowList: HostAllowList;
  private readonly ports: PortAllowList;
  private readonly resolve: DnsResolver;

  constructor(options: EgressPolicyOptions = {}) {
    this.allowList = HostAllowList.parse(options.allowedHosts ?? []);
    this.ports = PortAllowList.parse(options.allowedPorts ?? []);
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Reasons the URL may not be used (empty when it may). Never includes the path or query. */
  async checkUrl(url: string | URL): Promise<string[]> {
    const shape = this.checkUrlShape(url);
    if (!shape.ok) return shape.reasons;
    const host = normaliseHost(shape.url.hostname);
    if (parseIp(host) || this.allowList.allowsHost(host)) return [];
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (error) {
      return [`host "${host}" does not resolve (${errorCode(error)})`];
    }
    if (addresses.length === 0) return [`host "${host}" does not resolve (no addresses)`];
    return this.deniedAddresses(host, addresses);
  }

  /**
   * The checks that need no DNS: scheme, port, credentials and IP-literal hosts. Connections to IP
   * literals never call `lookup`, so senders must run this before every request.
   */
  checkUrlShape(url: string | URL): UrlShape {
    let parsed: URL;
    try {
      parsed = typeof url === 'string' ? new URL(url) : url;
    } catch {
      return { ok: false, reasons: ['not a valid URL'] };
    }
    const reasons: string[] = [];
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      reasons.push(`must use http or https, got ${parsed.protocol.replace(/:$/, '')}`);
    }
    const port = this.ports.refusedPort(parsed);
    if (port !== null) reasons.push(`port ${port} is not allowed; ${PORT_HINT}`);
    if (parsed.username || parsed.password) reasons.push('must not embed credentials');
    const host = normaliseHost(parsed.hostname);
    if (host === '') reasons.push('has no host');
    else if (parseIp(host))
      reasons.push(...this.deniedAddresses(host, [{ address: host, family: 0 }]));
    return reasons.length === 0 ? { ok: true, url: parsed } : { ok: false, reasons };
  }

  /** Reasons, one per address of `host` that may not be reached. */
  deniedAddresses(host: string, addresses: readonly ResolvedAddress[]): string[] {
    if (this.allowList.allowsHost(host)) return [];
    const reasons: string[] = [];
    for (const { address } of addresses) {
      const parsed = parseIp(address);
      if (!parsed) {
        reasons.push(`host "${host}" resolved to something that is not an IP address`);
        continue;
      }
      const kind = classifyParsed(parsed);
      if (kind === 'public' || this.allowList.allowsAddress(parsed)) continue;
      reasons.push(
        address === host
          ? `${address} is ${withArticle(kind)} address; ${ALLOW_HINT}`
          : `host "${host}" resolves to ${address}, ${withArticle(kind)} address; ${ALLOW_HINT}`,
      );
    }
    return reasons;
  }

  /**
   * A drop-in `lookup` for node:http/https/net: resolves, then refuses the connection unless
   * every address may be reached. Refusing on any bad address (not just the one picked)
   * matters because happy-eyeballs may try them all.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveAllowed(hostname, options).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };

  private async resolveAllowed(hostname: string, options: LookupOptions): Promise<LookupAddress[]> {
    const host = normaliseHost(hostname);
    const addresses = await this.resolve(host);
    const denied = this.deniedAddresses(host, addresses);
    if (denied.length > 0) throw new EgressDeniedError(denied);
    const wanted = familyNumber(options.family);
    const usable = addresses
      .map(({ address }) => ({ address, family: parseIp(address)!.family }))
      .filter(({ family }) => wanted === 0 || family === wanted);
    if (usable.length === 0) {
      throw Object.assign(new Error(`host "${host}" has no IPv${wanted} address`), {
        code: 'ENOTFOUND',
      });
    }
    return usable;
  }
}

function familyNumber(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

function withArticle(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
