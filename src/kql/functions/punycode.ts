/**
 * Punycode (RFC 3492) and its use on domain names: punycode_from_string / punycode_to_string work
 * on one label without the `xn--` prefix; the domain forms split on the IDNA label separators
 * (`.`, `。`, `．`, `｡`, written back as `.`) and prefix encoded labels with `xn--`. The pages'
 * examples keep letter case and spaces, so no IDNA mapping is applied
 * (https://learn.microsoft.com/kusto/query/punycode-from-string-function and its three siblings).
 * A failed encoding or decoding gives ''.
 */
import { UnsupportedError } from '../values/index.js';
import { isAscii, text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_INT = 0x7fffffff;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

const digit = (d: number) => String.fromCharCode(d < 26 ? d + 97 : d + 22);

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 22;
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97;
  return BASE;
}

/** RFC 3492 section 6.3; null on overflow. */
export function punycodeEncode(input: string): string | null {
  const points = [...input].map((c) => c.codePointAt(0) as number);
  let out = points
    .filter((p) => p < 0x80)
    .map((p) => String.fromCharCode(p))
    .join('');
  const basic = out.length;
  let handled = basic;
  if (basic > 0) out += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < points.length) {
    const m = Math.min(...points.filter((p) => p >= n));
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1))) return null;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const p of points) {
      if (p < n && ++delta > MAX_INT) return null;
      if (p !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < t) break;
        out += digit(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      out += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return out;
}

/** RFC 3492 section 6.2; null for invalid input. */
export function punycodeDecode(input: string): string | null {
  if (!isAscii(input)) return null;
  const dash = input.lastIndexOf('-');
  const output = dash > 0 ? [...input.slice(0, dash)].map((c) => c.codePointAt(0) as number) : [];
  let i = 0;
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  for (let at = dash > 0 ? dash + 1 : 0; at < input.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return null;
      const d = digitValue(input.charCodeAt(at++));
      if (d >= BASE || d > Math.floor((MAX_INT - i) / w)) return null;
      i += d * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (d < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) return null;
      w *= BASE - t;
    }
    bias = adapt(i - oldi, output.length + 1, oldi === 0);
    if (Math.floor(i / (output.length + 1)) > MAX_INT - n) return null;
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

const SEPARATORS = /[.\u3002\uff0e\uff61]/;
const ACE = 'xn--';

const fromString: ScalarImpl = ([v], [t]) => punycodeEncode(text(v, t)) ?? '';
const decodeString: ScalarImpl = ([v], [t]) => punycodeDecode(text(v, t)) ?? '';

const domainToString: ScalarImpl = ([v], [t]) => {
  const labels: string[] = [];
  for (const label of text(v, t).split(SEPARATORS)) {
    const encoded = isAscii(label) ? label : punycodeEncode(label);
    if (encoded === null) return '';
    labels.push(encoded === label ? label : ACE + encoded);
  }
  return labels.join('.');
};

const domainFromString: ScalarImpl = ([v], [t]) => {
  const labels = text(v, t).split('.');
  const decoded = labels.map((label) => {
    if (label.slice(0, 4).toLowerCase() === ACE && !label.startsWith(ACE))
      throw new UnsupportedError('punycode_domain_from_string() of an upper-case xn-- prefix');
    return label.startsWith(ACE) ? punycodeDecode(label.slice(4)) : label;
  });
  return decoded.includes(null) ? '' : decoded.join('.');
};

export const punycodeFunctions: FunctionTable = {
  punycode_from_string: fromString,
  punycode_to_string: decodeString,
  punycode_domain_to_string: domainToString,
  punycode_domain_from_string: domainFromString,
};
