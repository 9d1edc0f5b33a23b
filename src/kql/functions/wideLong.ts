/**
 * Longs beyond 2^53. The engine holds a long as a JavaScript number, exact only up to 2^53, where
 * Kusto's long is 64 bits. A hash (hash(), hash_xxhash64()) is usually that large, and rules print
 * it (`tostring(hash(tostring(List)))`), reduce it (`hash(x) % n`) or compare it; the lowering
 * (lower/wideLong.ts) hands such a hash to its consumer as an exact bigint through these internal
 * functions, whose `$` names no query can call. Any other long beyond 2^53 is refused where it is
 * produced (`exactLong`), since its digits are already lost.
 */
import { UnsupportedError, type Value } from '../values/index.js';
import { hashSigned } from './hash.js';
import { binaryOperator } from './operators.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const LIMIT = Number.MAX_SAFE_INTEGER;

/** A long result the engine holds exactly; beyond 2^53 it is refused, naming what produced it. */
export function exactLong(value: Value, construct: string): Value {
  if (typeof value === 'number' && (value > LIMIT || value < -LIMIT))
    throw new UnsupportedError(
      construct,
      `${construct} produced a long beyond 2^53 (${value}), which the engine cannot hold exactly`,
    );
  return value;
}

/** hash(x) as the exact signed 64-bit value, for the consumers below only. */
const wideHash: ScalarImpl = ([v], [type]) => hashSigned(v, type);

/**
 * A long literal beyond 2^53 (its digits, decimal or 0x hex): refused where an ordinary long would
 * hold it, its exact value where a consumer takes it directly.
 */
const longLiteral: ScalarImpl = ([digits]) => {
  throw new UnsupportedError(
    'long literal',
    `the long literal ${digits} is beyond 2^53, which the engine cannot hold exactly`,
  );
};
const wideLiteral: ScalarImpl = ([digits]) => BigInt.asIntN(64, BigInt(digits as string));

/** tostring() of a long: its decimal digits, exact for a bigint; a null long is ''. */
const wideText: ScalarImpl = ([v]) => (v === null ? '' : String(v));

/**
 * `w % n` with Kusto's non-negative modulo (0 <= N % D < abs(D), numerical operators page), in
 * bigint so the remainder of a 64-bit hash is exact; by zero there is no integer answer: null.
 */
const wideModulo: ScalarImpl = ([w, n]) => {
  if (w === null || n === null || typeof n !== 'number') return null;
  if (n === 0) return null;
  if (!Number.isSafeInteger(n)) throw new UnsupportedError('%', 'a modulo beyond 2^53 is not held exactly');
  const d = BigInt(n < 0 ? -n : n);
  const r = BigInt(w as bigint | number) % d;
  return Number(r < 0n ? r + d : r);
};

/**
 * `a <op> b` where either side is a wide hash: JavaScript orders a bigint and a number exactly. A
 * null or NaN side answers as the ordinary operator does (its answer then does not depend on the
 * other value's digits).
 */
function wideComparison(kind: string, holds: (order: number) => boolean): ScalarImpl {
  const ordinary = binaryOperator(kind);
  if (!ordinary) throw new Error(`no operator ${kind}`);
  return (args, types, resultType, ctx) => {
    const [a, b] = args as (bigint | number | null)[];
    if (a === null || b === null || Number.isNaN(a) || Number.isNaN(b))
      return ordinary([a === null ? null : Number(a), b === null ? null : Number(b)], types, resultType, ctx);
    const order = a < b ? -1 : a > b ? 1 : 0;
    // Against a real (or decimal, or dynamic number) a 64-bit long may be read as a double, as .NET
    // compares a long with a double: 9007199254740993 == 9007199254740992.0 is then true, exactly it is
    // false. No page says which reading Kusto uses, so where they differ the comparison is refused.
    const asDoubles = Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
    if (order !== asDoubles && types.some((t) => t !== 'long' && t !== 'int'))
      throw new UnsupportedError(
        'comparison of a long beyond 2^53 with a non-long',
        `comparison of the long ${typeof a === 'bigint' ? a : b} with the ${types.find((t) => t !== 'long' && t !== 'int')} ${typeof a === 'bigint' ? b : a}: whether Kusto reads the long as a real is not documented, and the readings differ`,
      );
    return holds(order);
  };
}

const comparisons: Record<string, (order: number) => boolean> = {
  EqualExpression: (o) => o === 0,
  NotEqualExpression: (o) => o !== 0,
  LessThanExpression: (o) => o < 0,
  LessThanOrEqualExpression: (o) => o <= 0,
  GreaterThanExpression: (o) => o > 0,
  GreaterThanOrEqualExpression: (o) => o >= 0,
};

/** The comparison operators a wide hash can reach, by Kusto.Language SyntaxKind name. */
export const WIDE_COMPARISONS = new Set(Object.keys(comparisons));

export const wideLongFunctions: FunctionTable = {
  $long_literal: longLiteral,
  $wide_literal: wideLiteral,
  $wide_hash: wideHash,
  $wide_text: wideText,
  $wide_modulo: wideModulo,
  ...Object.fromEntries(
    Object.entries(comparisons).map(([kind, holds]) => [
      `$wide_${kind.toLowerCase()}`,
      wideComparison(kind, holds),
    ]),
  ),
};
