/**
 * Window functions computed over the whole serialized frame at once: row_number with a restart
 * predicate, row_rank_dense, row_rank_min and row_window_session. Each is computed on the first
 * row asked for and then read per row.
 */
import { UnsupportedError } from '../plan/errors.js';
import type { ScalarExpr } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { keyOf } from './keys.js';
import type { RowFn } from './scalar.js';

type WindowExpr = Extract<ScalarExpr, { kind: 'window' }>;

function lazy(length: number, compute: (out: Value[]) => void): RowFn {
  let values: Value[] | undefined;
  return (i) => {
    if (!values) {
      values = new Array(length);
      compute(values);
    }
    return values[i];
  };
}

/**
 * row_number(start, restart): the index starts at `start` and goes back to it on every row
 * where restart is true (https://learn.microsoft.com/kusto/query/row-number-function).
 */
export function rowNumberWithRestart([start, restart]: RowFn[], length: number): RowFn {
  return lazy(length, (out) => {
    const first = Number(start(0));
    let n = first;
    for (let k = 0; k < length; k++) {
      n = k === 0 || restart(k) === true ? first : n + 1;
      out[k] = n;
    }
  });
}

/**
 * row_rank_dense(term [, restart]) grows by one whenever the term differs from the previous row's
 * (https://learn.microsoft.com/kusto/query/row-rank-dense-function); row_rank_min(term [, restart])
 * is the first row number of the term (https://learn.microsoft.com/kusto/query/row-rank-min-function).
 * Both pages sort by the term first. On unsorted input a term that comes back after another one
 * would have a "minimal row number" the page does not settle, so row_rank_min refuses it; a null
 * term (its equality to the previous one is not documented) is refused by both.
 */
export function rowRank([term, restart]: RowFn[], length: number, expr: WindowExpr): RowFn {
  const dense = expr.name === 'row_rank_dense';
  const type = expr.args[0].type;
  return lazy(length, (out) => {
    let rank = 0;
    let partitionStart = 0;
    let previous: unknown;
    let seen = new Set<unknown>();
    for (let k = 0; k < length; k++) {
      const value = term(k);
      if (value === null) throw new UnsupportedError(`${expr.name}() of a null term`, expr.span);
      const key = keyOf(value, type);
      if (k === 0 || (restart !== undefined && restart(k) === true)) {
        rank = 1;
        partitionStart = k;
        seen = new Set();
      } else if (key !== previous) {
        if (!dense && seen.has(key))
          throw new UnsupportedError(`${expr.name}() of a term that recurs after another one`, expr.span);
        rank = dense ? rank + 1 : k - partitionStart + 1;
      }
      seen.add(key);
      previous = key;
      out[k] = rank;
    }
  });
}

/**
 * row_window_session(expr, maxFromFirst, maxBetweenNeighbors [, restart]): the value that started
 * the current session, a session starting on the first row, when the value is at least the
 * session start plus maxFromFirst, at least the previous value plus maxBetweenNeighbors, or when
 * restart is true (https://learn.microsoft.com/kusto/query/row-window-session-function). The page's
 * rule for a null value contradicts itself, so one is refused.
 */
export function rowWindowSession(
  [value, fromFirst, between, restart]: RowFn[],
  length: number,
  expr: WindowExpr,
): RowFn {
  return lazy(length, (out) => {
    const maxFromFirst = fromFirst(0);
    const maxBetween = between(0);
    if (typeof maxFromFirst !== 'bigint' || typeof maxBetween !== 'bigint')
      throw new UnsupportedError('row_window_session() with null distances', expr.span);
    let start: bigint | undefined;
    let previous: bigint | undefined;
    for (let k = 0; k < length; k++) {
      const v = value(k);
      if (typeof v !== 'bigint')
        throw new UnsupportedError('row_window_session() of a null value', expr.span);
      const startsSession =
        start === undefined ||
        previous === undefined ||
        v >= start + maxFromFirst ||
        v >= previous + maxBetween ||
        (restart !== undefined && restart(k) === true);
      if (startsSession) start = v;
      previous = v;
      out[k] = start as bigint;
    }
  });
}
