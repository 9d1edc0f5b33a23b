import type { Json, KqlType, Value } from '../values/index.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// has_ipv4() and friends: "IP address entrances in a text must be properly delimited with
// non-alphanumeric characters", and only valid addresses count: '127.0.0.256' is never found
// (https://learn.microsoft.com/kusto/query/has-ipv4-function, has-ipv4-prefix-function,
// has-any-ipv4-function, has-any-ipv4-prefix-function).
const ADDRESS_IN_TEXT = /(?<![A-Za-z0-9])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![A-Za-z0-9])/g;

function validOctets(parts: string[]): number[] | null {
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** The valid IPv4 addresses delimited in a text, as octets. */
function addressesIn(source: string): number[][] {
  const found: number[][] = [];
  for (const m of source.matchAll(ADDRESS_IN_TEXT)) {
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

function hasIpv4(prefix: boolean): ScalarImpl {
  return ([source, ...looked], [sourceType, ...types]) => {
    const wanted = patterns(looked, types, prefix);
    if (wanted.length === 0) return false;
    return addressesIn(text(source, sourceType)).some((address) =>
      wanted.some((p) => p.every((octet, i) => address[i] === octet)),
    );
  };
}

export const ipTextFunctions: FunctionTable = {
  has_ipv4: hasIpv4(false),
  has_any_ipv4: hasIpv4(false),
  has_ipv4_prefix: hasIpv4(true),
  has_any_ipv4_prefix: hasIpv4(true),
};
