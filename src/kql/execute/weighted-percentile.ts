// percentilew(), percentilesw(), percentilesw_array()
// (https://learn.microsoft.com/kusto/query/percentilesw-aggregation-function): each value counts as
// many times as its weight, then the nearest-rank percentile is taken, as percentile() does here
// (aggregates.ts: Kusto estimates with T-Digest; the page's example is the nearest rank).
import { UnsupportedError } from '../plan/errors.js';
import type { AggregateCall } from '../plan/types.js';
import { dynamicNumber, type Value, valueToDynamic } from '../values/index.js';
import { type Accumulator, refuseNaNInOrder } from './aggregates.js';
import type { RowFn } from './scalar.js';
import { compareForSort } from './sort.js';

/**
 * The constant percentages of a percentile call: numbers, or for the *_array forms one dynamic array
 * of them (percentiles page, "Dynamic array of percentiles").
 */
export function percentages(args: RowFn[], call: AggregateCall): number[] {
  const percents = args.flatMap((p) => {
    const v = p(0);
    return Array.isArray(v) ? v.map((x) => dynamicNumber(x) ?? Number.NaN) : [Number(v)];
  });
  if (percents.some((p) => !Number.isFinite(p) || p < 0 || p > 100))
    throw new UnsupportedError(
      `${call.fn}()`,
      call.span,
      `${call.fn}(): a percentage that is not a number in 0..100`,
    );
  return percents;
}

/**
 * The most distinct values a percentile is answered over. Kusto estimates with T-Digest and its page
 * says "there are no reliable conditions to define when" the estimate is exact, except percentiles 0
 * and 100, "the exact minimum and maximum" (https://learn.microsoft.com/kusto/query/percentiles-aggregation-function).
 * The estimate is a centroid's mean, so it is exact while no two distinct values share a centroid:
 * always for one distinct value, and for small inputs as the pages print them — the rolling_percentile
 * page's median over 72-value windows and the percentilesw page's are the nearest rank. Beyond the
 * largest of those inputs the engine's exact nearest rank may differ from Kusto's estimate: refused.
 */
export const EXACT_PERCENTILE_DISTINCT_VALUES = 72;

/** Throws where the nearest rank over `distinct` distinct values may not be Kusto's estimate. */
export function refuseEstimatedPercentile(call: AggregateCall, percents: number[], distinct: number): void {
  if (distinct <= EXACT_PERCENTILE_DISTINCT_VALUES) return;
  if (percents.every((p) => p === 0 || p === 100)) return;
  throw new UnsupportedError(
    `${call.fn}()`,
    call.span,
    `${call.fn}() over ${distinct} distinct values: Kusto estimates percentiles with T-Digest, exact ` +
      `only at 0 and 100 and, as its pages print, over at most ${EXACT_PERCENTILE_DISTINCT_VALUES} distinct ` +
      'values; the engine computes the exact nearest rank, which may differ',
  );
}

/** Distinct values of a list sorted by `compare` (equal values are adjacent). */
export function distinctSorted<T>(sorted: T[], compare: (a: T, b: T) => number): number {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || compare(sorted[i - 1], sorted[i]) !== 0) n++;
  return n;
}

/** The factory for one of the three functions: one column, a column per percentage, or an array. */
export function weightedPercentile(multi: 'one' | 'columns' | 'array') {
  return (args: RowFn[], call: AggregateCall) => {
    const [value, weight, ...percentArgs] = args;
    const type = call.args[0].type;
    const percents = percentages(percentArgs, call);
    return (): Accumulator => {
      const entries: { value: Value; weight: number }[] = [];
      return {
        add: (i) => {
          const v = value(i);
          if (v === null) return;
          refuseNaNInOrder(v, call);
          const w = weight(i);
          // The page types the weight as long; how Kusto treats a null, negative or fractional
          // weight is not documented.
          if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 0)
            throw new UnsupportedError(
              `${call.fn}()`,
              call.span,
              `${call.fn}(): a weight that is not a whole number ≥ 0`,
            );
          if (w > 0) entries.push({ value: v, weight: w });
        },
        result: () => {
          const compare = (a: { value: Value }, b: { value: Value }) =>
            compareForSort(a.value, b.value, type);
          entries.sort(compare);
          refuseEstimatedPercentile(call, percents, distinctSorted(entries, compare));
          const total = entries.reduce((sum, e) => sum + e.weight, 0);
          const pick = (p: number): Value => {
            if (total === 0) return null;
            const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
            let seen = 0;
            for (const e of entries) {
              seen += e.weight;
              if (seen >= rank) return e.value;
            }
            return null;
          };
          const picked = percents.map(pick);
          if (multi === 'array') return [picked.map((v) => valueToDynamic(v, type))];
          return multi === 'one' ? [picked[0]] : picked;
        },
      };
    };
  };
}
