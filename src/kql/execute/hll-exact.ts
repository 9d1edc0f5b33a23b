// Where Kusto's HyperLogLog distinct count is exact. dcount() and dcountif() estimate with HLL; the
// estimation-accuracy section of their pages (https://learn.microsoft.com/kusto/query/dcount-hll-function)
// says the algorithm "includes some provisions for doing a perfect count (zero error), if the set
// cardinality is small enough": up to 1000 values at accuracy level 1 (the default) and 8000 at
// level 2. The engine counts exactly, so it answers within those limits and refuses beyond them (and
// for the other levels, whose limits are not documented, beyond a single value).
import { UnsupportedError } from '../plan/errors.js';
import type { AggregateCall } from '../plan/types.js';
import type { RowFn } from './scalar.js';

const PERFECT_COUNT: Record<number, number> = { 1: 1000, 2: 8000 };

/** The accuracy argument's position: dcount(expr [, accuracy]), dcountif(expr, predicate [, accuracy]). */
const ACCURACY_ARG: Record<string, number> = { dcount: 1, dcountif: 2 };

/**
 * A check of one group's exact distinct count for the call, throwing where Kusto's estimate may
 * differ; undefined for the exact counts (count_distinct).
 */
export function estimateCheck(call: AggregateCall, args: RowFn[]): ((n: number) => void) | undefined {
  const at = ACCURACY_ARG[call.fn];
  if (at === undefined) return undefined;
  const level = args[at] ? Number(args[at](0)) : 1;
  const limit = PERFECT_COUNT[level] ?? 1;
  return (n) => {
    if (n > limit)
      throw new UnsupportedError(
        `${call.fn}()`,
        call.span,
        `${call.fn}() of ${n} distinct values: Kusto estimates with HyperLogLog and counts exactly only up to ` +
          `${limit} at accuracy level ${level}; refusing rather than answering a different count`,
      );
  };
}
