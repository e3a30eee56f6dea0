import ipaddr from 'ipaddr.js';

/**
 * A sourceIps entry, parsed: an address or a CIDR block, v4 or v6, as the inclusive range of
 * addresses it covers in fixed-width hex (so engines compare text, whatever notation a record uses).
 */
export interface IpMatch {
  readonly text: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly lo: string;
  readonly hi: string;
}

function hex(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function parseIpMatch(text: string): IpMatch | null {
  const s = text.trim();
  try {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    let prefix: number;
    if (s.includes('/')) {
      if (!ipaddr.isValidCIDR(s)) return null;
      [addr, prefix] = ipaddr.parseCIDR(s);
    } else {
      if (!ipaddr.isValid(s)) return null;
      addr = ipaddr.parse(s);
      prefix = addr.kind() === 'ipv4' ? 32 : 128;
    }
    // ipaddr.js accepts classful shorthand ("10.1") and reads leading zeros as octal ("010" = 8);
    // only plain dotted-decimal IPv4 is taken, as engines parse it.
    if (addr.kind() === 'ipv4' && !/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}(\/\d{1,2})?$/.test(s)) return null;
    const bytes = addr.toByteArray();
    const lo = bytes.map((b, i) => b & maskByte(prefix, i));
    const hi = bytes.map((b, i) => (b & maskByte(prefix, i)) | (~maskByte(prefix, i) & 0xff));
    return Object.freeze({ text: s, family: addr.kind(), lo: hex(lo), hi: hex(hi) });
  } catch {
    return null;
  }
}

function maskByte(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - bits)) & 0xff;
}
