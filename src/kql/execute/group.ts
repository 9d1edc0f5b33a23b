import type { AggregateCall, NamedExpr } from '../plan/types.js';
import type { KqlType, Value } from '../values/index.js';
import { type Accumulator, aggregateFactory } from './aggregates.js';
import type { Frame } from './frame.js';
import { compositeKey, keyOf } from './keys.js';
import { compileScalar, type Env, type RowFn } from './scalar.js';

export interface Group {
  keys: Value[];
  accumulators: Accumulator[];
  /** First input row of the group, in input order. */
  first: number;
}

/**
 * Hash grouping: each distinct key tuple gets one accumulator per aggregate. With no keys and no
 * rows there is still one group (Kusto's summarize without `by` always returns one row).
 */
export function groupRows(
  frame: Frame,
  keys: NamedExpr[],
  aggregates: AggregateCall[],
  env: Env,
  rows?: ArrayLike<number>,
): Group[] {
  const keyFns: RowFn[] = keys.map((k) => compileScalar(k.expr, frame, env));
  const keyTypes: KqlType[] = keys.map((k) => k.expr.type);
  const factories = aggregates.map((a) =>
    aggregateFactory(
      a,
      a.args.map((arg) => compileScalar(arg, frame, env)),
    ),
  );
  const groups = new Map<unknown, Group>();
  const ordered: Group[] = [];
  const newGroup = (values: Value[], first: number): Group => {
    const group = { keys: values, accumulators: factories.map((f) => f()), first };
    ordered.push(group);
    return group;
  };
  const count = rows ? rows.length : frame.length;
  if (keyFns.length === 0) {
    const group = newGroup([], 0);
    for (let n = 0; n < count; n++) {
      const i = rows ? rows[n] : n;
      for (const acc of group.accumulators) acc.add(i);
    }
    return ordered;
  }
  const single = keyFns.length === 1 ? keyFns[0] : undefined;
  const singleType = keyTypes[0];
  for (let n = 0; n < count; n++) {
    const i = rows ? rows[n] : n;
    let values: Value[];
    let key: unknown;
    if (single) {
      const v = single(i);
      key = keyOf(v, singleType);
      values = [v];
    } else {
      values = keyFns.map((f) => f(i));
      key = compositeKey(values, keyTypes);
    }
    let group = groups.get(key);
    if (!group) {
      group = newGroup(values, i);
      groups.set(key, group);
    }
    const accs = group.accumulators;
    for (let a = 0; a < accs.length; a++) accs[a].add(i);
  }
  return ordered;
}

/** Columns of a grouped result: key values, then each aggregate's outputs. */
export function groupColumns(groups: Group[], keyCount: number, outputCount: number): Value[][] {
  const columns: Value[][] = Array.from({ length: keyCount + outputCount }, () => new Array(groups.length));
  groups.forEach((group, g) => {
    for (let k = 0; k < keyCount; k++) columns[k][g] = group.keys[k];
    let c = keyCount;
    for (const acc of group.accumulators) {
      for (const v of acc.result()) columns[c++][g] = v;
    }
  });
  return columns;
}
