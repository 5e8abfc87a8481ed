import { embeddedIpv4 } from './address-class';
import { Cidr, cidrContains, parseCidr } from './cidr';
import { IpAddress } from './ip-address';

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/**
 * The operator's exceptions to the egress policy: host names (`alerts.internal`), wildcard
 * subdomains (`*.svc.cluster.local`), IP literals and CIDRs. An allowed name is trusted
 * whatever it resolves to; an allowed address or range is trusted whatever name led there.
 */
export class HostAllowList {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
    private readonly ranges: readonly Cidr[],
  ) {}

  /** Throws one error naming every invalid entry, so a bad setting fails start-up clearly. */
  static parse(entries: readonly string[]): HostAllowList {
    const names = new Set<string>();
    const suffixes: string[] = [];
    const ranges: Cidr[] = [];
    const invalid: string[] = [];
    for (const raw of entries) {
      const entry = normaliseHost(raw);
      if (entry === '') continue;
      const range = parseCidr(entry);
      if (range) ranges.push(range);
      else if (entry.startsWith('*.') && HOST_NAME.test(entry.slice(2))) {
        suffixes.push(entry.slice(1));
      } else if (!entry.includes('/') && HOST_NAME.test(entry)) names.add(entry);
      else invalid.push(JSON.stringify(raw));
    }
    if (invalid.length > 0) {
      throw new Error(
        `invalid allowed host entries ${invalid.join(', ')}: use host names, *.domain wildcards, IP addresses or CIDRs, without scheme or port`,
      );
    }
    return new HostAllowList(names, suffixes, ranges);
  }

  get isEmpty(): boolean {
    return this.names.size === 0 && this.suffixes.length === 0 && this.ranges.length === 0;
  }

  allowsHost(hostname: string): boolean {
    const host = normaliseHost(hostname);
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  allowsAddress(address: IpAddress): boolean {
    const embedded = embeddedIpv4(address);
    return this.ranges.some(
      (range) =>
        cidrContains(range, address) || (embedded !== null && cidrContains(range, embedded)),
    );
  }
}

/** Lower case, no brackets around IPv6 literals, no trailing root dot. */
export function normaliseHost(host: string): string {
  const trimmed = host.trim().toLowerCase();
  const unbracketed =
    trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return unbracketed.endsWith('.') ? unbracketed.slice(0, -1) : unbracketed;
}
