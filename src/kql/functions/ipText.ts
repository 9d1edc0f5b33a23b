import type { Json, KqlType, Value } from '../values/index.js';
import { hasNonAscii, text, twoReadings } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// has_ipv4() and friends: "IP address entrances in a text must be properly delimited with
// non-alphanumeric characters", and only valid addresses count: '127.0.0.256' is never found
// (https://learn.microsoft.com/kusto/query/has-ipv4-function, has-ipv4-prefix-function,
// has-any-ipv4-function, has-any-ipv4-prefix-function).
const ADDRESS_IN_TEXT = /(?<![A-Za-z0-9])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![A-Za-z0-9])/g;
// The same page does not say whether "alphanumeric" is ASCII (the string operators page's term rule
// said ASCII in 2020, not in 2023): an address glued to a non-ASCII letter, digit or mark is found
// under one reading only, and a difference is refused (text.ts twoReadings).
const ADDRESS_IN_UNICODE_TEXT =
  /(?<![\p{L}\p{N}\p{M}])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\p{L}\p{N}\p{M}])/gu;

function validOctets(parts: string[]): number[] | null {
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** The valid IPv4 addresses delimited in a text, as octets. */
function addressesIn(source: string, unicode = false): number[][] {
  const found: number[][] = [];
  for (const m of source.matchAll(unicode ? ADDRESS_IN_UNICODE_TEXT : ADDRESS_IN_TEXT)) {
    const octets = validOctets(m.slice(1, 5));
    if (octets) found.push(octets);
  }
  return found;
}

/** A complete address `a.b.c.d`, or with `prefix`, also `a.`, `a.b.` or `a.b.c.`: its octets, or null. */
function pattern(s: string, prefix: boolean): number[] | null {
  const full = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (full) return validOctets(full.slice(1, 5));
  if (!prefix || !/^(\d{1,3}\.){1,3}$/.test(s)) return null;
  return validOctets(s.slice(0, -1).split('.'));
}

/** The addresses or prefixes to look for: each argument a string, or a dynamic array of them. */
function patterns(args: Value[], types: KqlType[], prefix: boolean): number[][] {
  const texts = args.flatMap((v, i) =>
    Array.isArray(v) ? (v as Json[]).map((x) => (typeof x === 'string' ? x : '')) : [text(v, types[i])],
  );
  return texts.map((s) => pattern(s, prefix)).filter((p): p is number[] => p !== null);
}

function hasIpv4(prefix: boolean, name: string): ScalarImpl {
  return ([source, ...looked], [sourceType, ...types]) => {
    const wanted = patterns(looked, types, prefix);
    if (wanted.length === 0) return false;
    const haystack = text(source, sourceType);
    const found = (unicode: boolean) =>
      addressesIn(haystack, unicode).some((address) =>
        wanted.some((p) => p.every((octet, i) => address[i] === octet)),
      );
    return hasNonAscii(haystack) ? twoReadings(name, haystack, found) : found(false);
  };
}

export const ipTextFunctions: FunctionTable = {
  has_ipv4: hasIpv4(false, 'has_ipv4()'),
  has_any_ipv4: hasIpv4(false, 'has_any_ipv4()'),
  has_ipv4_prefix: hasIpv4(true, 'has_ipv4_prefix()'),
  has_any_ipv4_prefix: hasIpv4(true, 'has_any_ipv4_prefix()'),
};
