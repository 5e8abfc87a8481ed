import { Cidr, cidr, cidrContains } from './cidr';
import { IpAddress, parseIp } from './ip-address';

/** What kind of network an address belongs to; only `public` may be reached by default. */
export const ADDRESS_CLASSES = [
  'public',
  'unspecified',
  'loopback',
  'private',
  'link-local',
  'metadata',
  'multicast',
  'broadcast',
  'reserved',
] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

type Range = [Cidr, AddressClass];

// First match wins, so the single cloud metadata addresses come before their ranges.
const IPV4_RANGES: Range[] = [
  [cidr('169.254.169.254/32'), 'metadata'], // AWS, GCP, Azure, OpenStack...
  [cidr('100.100.100.200/32'), 'metadata'], // Alibaba Cloud
  [cidr('192.0.0.192/32'), 'metadata'], // Oracle Cloud
  // Linux connects 0.0.0.0 (and the rest of 0/8) to the local host.
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('100.64.0.0/10'), 'private'], // carrier-grade NAT, shared address space
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [cidr('192.0.2.0/24'), 'reserved'], // documentation (TEST-NET-1)
  [cidr('192.88.99.0/24'), 'reserved'], // deprecated 6to4 relay anycast
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('198.18.0.0/15'), 'reserved'], // benchmarking
  [cidr('198.51.100.0/24'), 'reserved'], // documentation (TEST-NET-2)
  [cidr('203.0.113.0/24'), 'reserved'], // documentation (TEST-NET-3)
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('240.0.0.0/4'), 'reserved'],
];

const IPV6_RANGES: Range[] = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('fd00:ec2::254/128'), 'metadata'], // AWS IMDS over IPv6
  [cidr('64:ff9b:1::/48'), 'private'], // local-use NAT64
  [cidr('100::/64'), 'reserved'], // discard-only
  [cidr('2001:db8::/32'), 'reserved'], // documentation
  [cidr('2001:2::/48'), 'reserved'], // benchmarking
  // Teredo hides an IPv4 address (XOR-ed) in the low bits: refuse the tunnel outright.
  [cidr('2001::/32'), 'reserved'],
  [cidr('fc00::/7'), 'private'], // unique local
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'private'], // deprecated site-local
  [cidr('ff00::/8'), 'multicast'],
];
/** Everything routable on the IPv6 internet sits in 2000::/3; the rest is special-purpose. */
const IPV6_GLOBAL_UNICAST = cidr('2000::/3');

/**
 * IPv6 forms that carry an IPv4 address, and where. A connection to any of them ends at (or
 * is translated to) that IPv4 address, so they are classified as it is: `::ffff:127.0.0.1`
 * is loopback however it is spelled.
 */
const EMBEDDED_IPV4: [Cidr, number][] = [
  [cidr('::ffff:0:0/96'), 12], // IPv4-mapped
  [cidr('::ffff:0:0:0/96'), 12], // IPv4-translated (SIIT)
  [cidr('64:ff9b::/96'), 12], // NAT64 well-known prefix
  [cidr('2002::/16'), 2], // 6to4
  [cidr('::/96'), 12], // IPv4-compatible (deprecated); :: and ::1 are matched before this
];

/** Classifies an IP literal. Throws on text that is not an IP address (a caller bug). */
export function classifyAddress(ip: string): AddressClass {
  const address = parseIp(ip);
  if (!address) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  return classifyParsed(address);
}

export function classifyParsed(address: IpAddress): AddressClass {
  if (address.family === 4) return lookupRange(IPV4_RANGES, address) ?? 'public';
  if (isUnspecifiedOrLoopbackV6(address)) return lookupRange(IPV6_RANGES, address)!;
  const embedded = embeddedIpv4(address);
  if (embedded) return classifyParsed(embedded);
  const special = lookupRange(IPV6_RANGES, address);
  if (special) return special;
  return cidrContains(IPV6_GLOBAL_UNICAST, address) ? 'public' : 'reserved';
}

/** The IPv4 address an IPv6 address embeds (mapped, NAT64, 6to4, compatible), if any. */
export function embeddedIpv4(address: IpAddress): IpAddress | null {
  if (address.family !== 6 || isUnspecifiedOrLoopbackV6(address)) return null;
  for (const [range, offset] of EMBEDDED_IPV4) {
    if (cidrContains(range, address)) {
      return { family: 4, bytes: address.bytes.slice(offset, offset + 4) };
    }
  }
  return null;
}

function isUnspecifiedOrLoopbackV6(address: IpAddress): boolean {
  return address.bytes.subarray(0, 15).every((byte) => byte === 0) && address.bytes[15] <= 1;
}

function lookupRange(ranges: Range[], address: IpAddress): AddressClass | undefined {
  return ranges.find(([range]) => cidrContains(range, address))?.[1];
}
