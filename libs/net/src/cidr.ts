import { IpAddress, parseIp } from './ip-address';

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** Parses `10.0.0.0/8`, `fc00::/7` or a bare address (a /32 or /128); null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const [addressText, prefixText, extra] = text.split('/');
  if (extra !== undefined) return null;
  const address = parseIp(addressText);
  if (!address) return null;
  const maxPrefix = address.family === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...address, prefix: maxPrefix };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= maxPrefix ? { ...address, prefix } : null;
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  const fullBytes = Math.floor(cidr.prefix / 8);
  for (let i = 0; i < fullBytes; i++) {
    if (cidr.bytes[i] !== address.bytes[i]) return false;
  }
  const remainingBits = cidr.prefix % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return (cidr.bytes[fullBytes] & mask) === (address.bytes[fullBytes] & mask);
}

/** For static tables: a malformed literal there is a programming error, not input. */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`invalid CIDR literal ${text}`);
  return parsed;
}
