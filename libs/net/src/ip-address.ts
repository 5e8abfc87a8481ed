import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as network-order bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/**
 * Parses an IP literal (`10.0.0.1`, `::ffff:7f00:1`, `[::1]`, `fe80::1%eth0`) into bytes, or
 * returns null when the text is not one. Only canonical dotted-quad IPv4 is accepted: the
 * shorthand forms (`127.1`, `0x7f.1`, `2130706433`) are normalised by the WHATWG URL parser
 * before they get here, and a resolver never returns them.
 */
export function parseIp(text: string): IpAddress | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return { family: 4, bytes: Uint8Array.from(bare.split('.').map(Number)) };
  // The zone (`%eth0`) names an interface on this host; it does not change the address class.
  const unzoned = bare.split('%')[0];
  if (!isIPv6(unzoned)) return null;
  return { family: 6, bytes: ipv6Bytes(unzoned) };
}

function ipv6Bytes(text: string): Uint8Array {
  let groups = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // A trailing dotted quad (`::ffff:1.2.3.4`) is the last two 16-bit groups.
    tail.push(
      ...text
        .slice(lastColon + 1)
        .split('.')
        .map(Number),
    );
    groups = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = groups.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const all = [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...restGroups];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

export function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4)).join('.');
}
