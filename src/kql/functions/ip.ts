import { type Json, UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

interface Ipv4 {
  address: number;
  prefix: number;
}

/** `a.b.c.d` with an optional `/prefix`; null when malformed. */
function parseIpv4(s: string): Ipv4 | null {
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?\s*$/.exec(s);
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  return { address: octets.reduce((a, o) => a * 256 + o, 0), prefix };
}

const mask = (address: number, prefix: number) =>
  prefix === 0 ? 0 : Number((BigInt(address) >> BigInt(32 - prefix)) << BigInt(32 - prefix));

function ipv4Arg(v: Value, t: Parameters<typeof text>[1], extraPrefix?: Value): Ipv4 | null {
  const ip = parseIpv4(text(v, t));
  if (!ip) return null;
  if (extraPrefix !== undefined && extraPrefix !== null) {
    const p = num(extraPrefix);
    if (p === null || p < 0 || p > 32) return null;
    ip.prefix = Math.min(ip.prefix, p);
  }
  return ip;
}

/** ipv4_compare: compares the networks after applying the smaller of the two prefixes. */
function compareIpv4(a: Ipv4, b: Ipv4, prefix: number): number {
  const p = Math.min(a.prefix, b.prefix, prefix);
  const x = mask(a.address, p);
  const y = mask(b.address, p);
  return x < y ? -1 : x > y ? 1 : 0;
}

const ipv4Compare: ScalarImpl = ([a, b, prefix], types) => {
  const x = ipv4Arg(a, types[0]);
  const y = ipv4Arg(b, types[1]);
  const p = prefix === undefined ? 32 : num(prefix);
  if (!x || !y || p === null) return null;
  return compareIpv4(x, y, p);
};

const ipv4IsMatch: ScalarImpl = (args, types, rt, ctx) => {
  const c = ipv4Compare(args, types, rt, ctx);
  return c === null ? null : c === 0;
};

export function inRange(address: string, range: string): boolean | null {
  const ip = parseIpv4(address);
  const r = parseIpv4(range);
  if (!ip || !r) return null;
  return mask(ip.address, r.prefix) === mask(r.address, r.prefix);
}

const ipv4IsInRange: ScalarImpl = ([a, r], types) => inRange(text(a, types[0]), text(r, types[1]));

const ipv4IsInAnyRange: ScalarImpl = ([a, ...ranges], [ta, ...types]) => {
  const address = text(a, ta);
  if (!parseIpv4(address)) return null;
  const list: string[] = [];
  ranges.forEach((r, i) => {
    if (Array.isArray(r)) for (const x of r as Json[]) list.push(text(x, 'dynamic'));
    else list.push(text(r, types[i]));
  });
  return list.some((r) => inRange(address, r) === true);
};

// RFC 1918 private ranges, as listed by ipv4_is_private.
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

const ipv4IsPrivate: ScalarImpl = ([a], [t]) => {
  const s = text(a, t);
  const ip = parseIpv4(s);
  if (!ip) return null;
  const network = `${s.split('/')[0]}/${ip.prefix}`;
  return PRIVATE.some((r) => {
    const range = parseIpv4(r) as Ipv4;
    return ip.prefix >= range.prefix && inRange(network.split('/')[0], r) === true;
  });
};

const parseIpv4Fn: ScalarImpl = ([a], [t]) => {
  const ip = parseIpv4(text(a, t));
  return ip ? mask(ip.address, ip.prefix) : null;
};

const parseIpv4Mask: ScalarImpl = ([a, prefix], [t]) => {
  const ip = parseIpv4(text(a, t));
  const p = num(prefix);
  if (!ip || p === null || p < 0 || p > 32) return null;
  return mask(ip.address, Math.min(ip.prefix, p));
};

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The address (text or big-endian number) masked to the smaller of its own and the given prefix. */
function maskedIpv4(a: Value, prefix: Value | undefined, t: Parameters<typeof text>[1]): Ipv4 | null {
  // The format_ipv4 pages take the address as text or a long and the prefix as an int; a fraction
  // (format_ipv4(2.5), a real prefix 24.5) is neither, and Kusto.Language binds it anyway.
  for (const v of [a, prefix])
    if (typeof v === 'number' && !Number.isInteger(v))
      throw new UnsupportedError(
        'format_ipv4() of a fraction',
        `format_ipv4() / format_ipv4_mask() of the fraction ${v}: the pages take a long address and an int prefix; refusing rather than guessing how it converts`,
      );
  let ip: Ipv4 | null;
  if (typeof a === 'number') ip = a >= 0 && a <= 0xffffffff ? { address: a, prefix: 32 } : null;
  else ip = parseIpv4(text(a, t));
  const p = prefix === undefined ? 32 : num(prefix);
  if (ip === null || p === null || p < 0 || p > 32) return null;
  const bits = Math.min(ip.prefix, p);
  return { address: mask(ip.address, bits), prefix: bits };
}

const formatIpv4Fn: ScalarImpl = ([a, prefix], [t]) => {
  const ip = maskedIpv4(a, prefix, t);
  return ip ? formatIpv4(ip.address) : '';
};

/** The CIDR suffix is the prefix applied: '192.168.1.1/24' with 32 is 192.168.1.0/24 (format-ipv4-mask doc). */
const formatIpv4Mask: ScalarImpl = ([a, prefix], [t]) => {
  const ip = maskedIpv4(a, prefix, t);
  return ip ? `${formatIpv4(ip.address)}/${ip.prefix}` : '';
};

/**
 * An IPv6 text ending in a dotted IPv4 address. The parse_ipv6_mask and ipv6_compare pages pin one
 * form: `::a.b.c.d[/n]` is read as the IPv4 address (mapped to ::ffff:a.b.c.d) with an IPv4 prefix
 * (`::192.168.255.255/24` masks to `...:ffff:c0a8:ff00`, i.e. 96 + 24 bits), where RFC 4291 would
 * make it the IPv4-compatible `::c0a8:ffff` with a 24-bit IPv6 prefix. `::ffff:a.b.c.d` without a
 * prefix is the same address under either reading. Any other form (another IPv6 head, a prefix on
 * `::ffff:a.b.c.d`, or an IPv4 prefix beyond 32) is left open by the pages and refused.
 * Returns undefined when the text holds no dotted part, null when it does not parse.
 */
function embeddedIpv4(addr: string, prefixText: string | undefined): Ipv6 | null | undefined {
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (!m) return undefined;
  const v4 = parseIpv4(m[2]);
  const head = parseHexGroups(`${m[1]}0:0`);
  if (!v4 || head === null) return null;
  const high = head >> 32n;
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (high !== 0n && !(high === 0xffffn && prefixText === undefined))
    throw new UnsupportedError(
      'IPv4 address inside an IPv6 address',
      `'${addr}${prefixText === undefined ? '' : `/${prefixText}`}': the IPv6 pages only show how '::a.b.c.d[/n]' and '::ffff:a.b.c.d' are read`,
    );
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32)
    throw new UnsupportedError(
      'IPv4 address inside an IPv6 address',
      `'${addr}/${prefixText}': a prefix beyond 32 on '::a.b.c.d' (read as an IPv4 prefix by the parse_ipv6_mask page) is not documented`,
    );
  return { address: 0xffff_0000_0000n | BigInt(v4.address), prefix: prefix + 96 };
}

interface Ipv6 {
  address: bigint;
  prefix: number;
}

/** Colon-separated hex groups (with at most one `::`) as a 128-bit bigint; null when malformed. */
function parseHexGroups(addr: string): bigint | null {
  const halves = addr.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]);
  let groups = head;
  if (halves.length === 2) {
    const tail = parse(halves[1]);
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...Array(missing).fill('0'), ...tail];
  }
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.reduce((a, g) => (a << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** IPv6 (or IPv4, mapped to ::ffff:a.b.c.d) as a 128-bit bigint with its prefix. */
function parseIpv6(s: string): Ipv6 | null {
  const [addr, prefixText, extra] = s.trim().split('/');
  if (extra !== undefined) return null;
  let prefix = prefixText === undefined ? 128 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) return null;
  const v4 = parseIpv4(addr);
  if (v4) {
    if (prefixText !== undefined && prefix <= 32) prefix += 96;
    return { address: 0xffff_0000_0000n | BigInt(v4.address), prefix };
  }
  const mapped = embeddedIpv4(addr, prefixText);
  if (mapped !== undefined) return mapped;
  const address = parseHexGroups(addr);
  return address === null ? null : { address, prefix };
}

const mask6 = (a: bigint, p: number) => (p === 0 ? 0n : (a >> BigInt(128 - p)) << BigInt(128 - p));

const ipv6Compare: ScalarImpl = ([a, b, prefix], types) => {
  const x = parseIpv6(text(a, types[0]));
  const y = parseIpv6(text(b, types[1]));
  const p = prefix === undefined ? 128 : num(prefix);
  if (!x || !y || p === null) return null;
  const bits = Math.min(x.prefix, y.prefix, p);
  const u = mask6(x.address, bits);
  const v = mask6(y.address, bits);
  return u < v ? -1 : u > v ? 1 : 0;
};

const ipv6IsMatch: ScalarImpl = (args, types, rt, ctx) => {
  const c = ipv6Compare(args, types, rt, ctx);
  return c === null ? null : c === 0;
};

function ipv6InRange(address: string, range: string): boolean | null {
  const ip = parseIpv6(address);
  const r = parseIpv6(range);
  if (!ip || !r) return null;
  return mask6(ip.address, r.prefix) === mask6(r.address, r.prefix);
}

const ipv6IsInAnyRange: ScalarImpl = ([a, ...ranges], [ta, ...types]) => {
  const address = text(a, ta);
  if (!parseIpv6(address)) return null;
  const list: string[] = [];
  ranges.forEach((r, i) => {
    if (Array.isArray(r)) for (const x of r as Json[]) list.push(text(x, 'dynamic'));
    else list.push(text(r, types[i]));
  });
  return list.some((r) => ipv6InRange(address, r) === true);
};

/** parse_ipv6: canonical form, all 8 groups as 4 lower-case hex digits. */
function canonicalIpv6(address: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--)
    groups.push(((address >> BigInt(i * 16)) & 0xffffn).toString(16).padStart(4, '0'));
  return groups.join(':');
}

const parseIpv6Fn: ScalarImpl = ([a], [t]) => {
  const ip = parseIpv6(text(a, t));
  return ip ? canonicalIpv6(mask6(ip.address, ip.prefix)) : '';
};

const parseIpv6Mask: ScalarImpl = ([a, prefix], [t]) => {
  const ip = parseIpv6(text(a, t));
  const p = num(prefix);
  if (!ip || p === null) return '';
  return canonicalIpv6(mask6(ip.address, Math.min(ip.prefix, p)));
};

/**
 * ipv4_netmask_suffix(ip): the `/prefix` of an IPv4 string, 32 without one, null when it does not
 * parse (https://learn.microsoft.com/kusto/query/ipv4-netmask-suffix-function).
 */
const ipv4NetmaskSuffix: ScalarImpl = ([a], [t]) => parseIpv4(text(a, t))?.prefix ?? null;

/**
 * ipv4_range_to_cidr_list(start, end): the fewest CIDR blocks covering [start, end], in address
 * order (https://learn.microsoft.com/kusto/query/ipv4-range-to-cidr-list-function: 1.1.128.0 -
 * 1.1.140.255 -> /21, /22, /24). The page does not say what an unparsable address, a prefix or an
 * end before the start gives, so those are refused.
 */
const ipv4RangeToCidrList: ScalarImpl = ([a, b], [ta, tb]) => {
  const start = parseIpv4(text(a, ta));
  const end = parseIpv4(text(b, tb));
  if (!start || !end || start.prefix !== 32 || end.prefix !== 32 || end.address < start.address)
    throw new UnsupportedError('ipv4_range_to_cidr_list() of an invalid or reversed range');
  const out: Json[] = [];
  let at = start.address;
  while (at <= end.address) {
    let size = 32;
    while (size > 0) {
      const block = 2 ** (33 - size);
      if (at % block !== 0 || at + block - 1 > end.address) break;
      size--;
    }
    out.push(`${formatIpv4(at)}/${size}`);
    at += 2 ** (32 - size);
  }
  return out;
};

export const ipFunctions: FunctionTable = {
  ipv4_range_to_cidr_list: ipv4RangeToCidrList,
  ipv4_netmask_suffix: ipv4NetmaskSuffix,
  ipv4_compare: ipv4Compare,
  ipv4_is_match: ipv4IsMatch,
  ipv4_is_in_range: ipv4IsInRange,
  ipv4_is_in_any_range: ipv4IsInAnyRange,
  ipv4_is_private: ipv4IsPrivate,
  parse_ipv4: parseIpv4Fn,
  parse_ipv4_mask: parseIpv4Mask,
  format_ipv4: formatIpv4Fn,
  format_ipv4_mask: formatIpv4Mask,
  ipv6_compare: ipv6Compare,
  ipv6_is_match: ipv6IsMatch,
  ipv6_is_in_range: ([a, r], types) => ipv6InRange(text(a, types[0]), text(r, types[1])),
  ipv6_is_in_any_range: ipv6IsInAnyRange,
  parse_ipv6: parseIpv6Fn,
  parse_ipv6_mask: parseIpv6Mask,
};
