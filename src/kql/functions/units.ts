/** format_bytes(): a size in bytes as text in Bytes, KB, MB, ... (1024-based). */
import { UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const UNITS = ['Bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/**
 * format_bytes(size [, precision [, units]]): the size divided by 1024 per unit step, rounded to
 * `precision` decimals (default 0), then the unit; without units, the largest unit the size
 * reaches (https://learn.microsoft.com/kusto/query/format-bytes-function: 564 Bytes, 10.1 KB,
 * 19 MB, 19.08 MB, 19541 KB). Whether trailing zeros of the rounded value are printed (10.0 vs
 * 10) and how a negative size is scaled are not shown, so those cases are refused.
 */
const formatBytes: ScalarImpl = ([size, precision, units]) => {
  const bytes = num(size);
  if (bytes === null) return '';
  const digits = precision === undefined || precision === null ? 0 : num(precision);
  if (digits === null || digits < 0 || !Number.isInteger(digits)) return '';
  if (bytes < 0) throw new UnsupportedError('format_bytes() of a negative size');
  let unit: number;
  if (typeof units === 'string' && units !== '') {
    unit = UNITS.indexOf(units);
    if (unit < 0) throw new UnsupportedError(`format_bytes() with units '${units}'`);
  } else {
    unit = 0;
    while (unit < UNITS.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  }
  const scaled = bytes / 1024 ** unit;
  const factor = 10 ** digits;
  // Half-way values round differently under .NET's default (to even) and away from zero.
  if ((scaled * factor) % 1 === 0.5)
    throw new UnsupportedError('format_bytes() of a value half-way between two roundings');
  const rounded = Math.round(scaled * factor) / factor;
  const printed = rounded.toFixed(digits);
  if (digits > 0 && printed.endsWith('0'))
    throw new UnsupportedError(
      'format_bytes()',
      'format_bytes() of a value whose rounding ends in 0 is not documented (trailing zeros)',
    );
  return `${printed} ${UNITS[unit]}`;
};

/** bitset_count_ones(value): the set bits of a non-negative integer (bitset-count-ones page: 42 -> 3). */
const bitsetCountOnes: ScalarImpl = ([v]: Value[]) => {
  const n = num(v);
  if (n === null) return null;
  if (n < 0)
    throw new UnsupportedError('bitset_count_ones() of a negative value (its bit width is not documented)');
  let bits = BigInt(Math.trunc(n));
  let count = 0;
  for (; bits > 0n; bits >>= 1n) count += Number(bits & 1n);
  return count;
};

export const unitFunctions: FunctionTable = { format_bytes: formatBytes, bitset_count_ones: bitsetCountOnes };
