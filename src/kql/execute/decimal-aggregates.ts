/**
 * sum() and avg() of decimals, computed exactly on the values' decimal digits (functions/decimal.ts):
 * a double running total would answer sum(0.1, 0.2) as 0.30000000000000004 where Kusto's 128-bit
 * decimal gives 0.3. A total or mean the engine cannot hold exactly is refused at the call.
 */
import { decimalArithmetic } from '../functions/decimal.js';
import { positioned } from '../plan/errors.js';
import type { AggregateCall } from '../plan/types.js';
import type { Value } from '../values/index.js';
import type { Accumulator } from './aggregates.js';
import type { RowFn } from './scalar.js';

export function decimalTotal(
  [value, predicate]: RowFn[],
  call: AggregateCall,
  conditional: boolean,
  mean: boolean,
): () => Accumulator {
  const exactly = (op: '+' | '/', a: number, b: number): number => {
    try {
      return decimalArithmetic(op, a, b) as number;
    } catch (e) {
      throw positioned(e, call.span, call.fn);
    }
  };
  return () => {
    let total = 0;
    let n = 0;
    return {
      add: (i) => {
        if (conditional && predicate(i) !== true) return;
        const v: Value = value(i);
        if (typeof v !== 'number') return;
        total = exactly('+', total, v);
        n++;
      },
      result: () => {
        if (!mean) return [total];
        return [n === 0 ? null : exactly('/', total, n)];
      },
    };
  };
}
