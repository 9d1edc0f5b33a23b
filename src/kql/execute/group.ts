import type { AggregateCall, NamedExpr } from '../plan/types.js';
import type { KqlType, Value } from '../values/index.js';
import { type Accumulator, aggregateFactory } from './aggregates.js';
import type { Frame } from './frame.js';
import { keyOf } from './keys.js';
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
  // One Map level per key, keyed by the raw value: no per-row key strings to build and collect.
  const root = new Map<unknown, unknown>();
  const last = keyFns.length - 1;
  const scratch: Value[] = new Array(keyFns.length);
  for (let n = 0; n < count; n++) {
    const i = rows ? rows[n] : n;
    let map = root;
    for (let k = 0; k < last; k++) {
      const v = (scratch[k] = keyFns[k](i));
      const key = keyOf(v, keyTypes[k]);
      let next = map.get(key) as Map<unknown, unknown> | undefined;
      if (!next) {
        next = new Map();
        map.set(key, next);
      }
      map = next;
    }
    const v = (scratch[last] = keyFns[last](i));
    const key = keyOf(v, keyTypes[last]);
    let group = map.get(key) as Group | undefined;
    if (!group) {
      group = newGroup(scratch.slice(), i);
      map.set(key, group);
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
