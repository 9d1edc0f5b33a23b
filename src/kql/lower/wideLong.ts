/**
 * Keeps a hash's 64-bit value exact where its consumer takes it directly (see
 * functions/wideLong.ts): `tostring(hash(x))` and `strcat(..., hash(x))` print every digit,
 * `hash(x) % n` reduces the exact value, `hash(x) == y` (and the other comparisons) compare it, and
 * the unixtime_*_todatetime() conversions read it whole.
 * Elsewhere hash() stays an ordinary long and is refused beyond 2^53.
 */
import { WIDE_COMPARISONS } from '../functions/index.js';
import type { ScalarExpr } from '../plan/types.js';

type Call = Extract<ScalarExpr, { kind: 'call' }>;

const HASHES = new Set(['hash', 'hash_xxhash64']);
const UNIX_TIME = new Set(
  ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'].map((unit) => `unixtime_${unit}_todatetime`),
);

/**
 * `hash(x)` without a modulo, or a long literal beyond 2^53, as the internal call yielding its
 * exact value; else undefined.
 */
function wide(expr: ScalarExpr): Call | undefined {
  if (expr.kind !== 'call' || expr.callee !== 'function') return undefined;
  if (expr.name === '$long_literal') return { ...expr, name: '$wide_literal' };
  if (!HASHES.has(expr.name) || expr.args.length !== 1) return undefined;
  return { ...expr, name: '$wide_hash' };
}

const text = (w: Call): Call => ({ ...w, name: '$wide_text', args: [w], type: 'string' });

/** The call with a directly consumed hash kept exact, or the call unchanged. */
export function keepWideLongs(call: Call): Call {
  const { callee, name, args } = call;
  if (callee === 'function' && (name === 'tostring' || name === 'strcat')) {
    const widened = args.map(wide);
    if (!widened.some(Boolean)) return call;
    if (name === 'tostring') return text(widened[0] as Call);
    return { ...call, args: args.map((a, i) => (widened[i] ? text(widened[i]) : a)) };
  }
  // The unixtime_*_todatetime() conversions take the number whole (an epoch count in nanoseconds is
  // beyond 2^53 for any date after April 1970: the unixtime_nanoseconds_todatetime page's example).
  if (callee === 'function' && UNIX_TIME.has(name) && args.length === 1) {
    const widened = wide(args[0]);
    return widened ? { ...call, args: [widened] } : call;
  }
  if (callee !== 'binary' || args.length !== 2) return call;
  const [left, right] = args.map(wide);
  if (name === 'ModuloExpression' && left && call.type === 'long' && right === undefined)
    return { ...call, callee: 'function', name: '$wide_modulo', args: [left, args[1]] };
  if (WIDE_COMPARISONS.has(name) && (left || right))
    return {
      ...call,
      callee: 'function',
      name: `$wide_${name.toLowerCase()}`,
      args: [left ?? args[0], right ?? args[1]],
    };
  return call;
}
