import { positioned, UnsupportedError } from '../plan/errors.js';
import type { AggregateCall, NamedExpr, ScalarExpr, Span } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { aggregateFactory, compileAggregateArgs } from './aggregates.js';
import { type Frame, lazyColumns } from './frame.js';
import { groupedAggregate } from './grouped-aggregates.js';
import { keyOf } from './keys.js';
import { NumberIds } from './number-ids.js';
import { compileScalar, type Env, type RowFn } from './scalar.js';
import { tickBinNumbers } from './tick-vectors.js';

/**
 * The rows a summarize visits, grouped: `ids[n]` is the group of the n-th visited row (`row(n)` in
 * the frame). Group ids are dense and numbered in order of first appearance, which is the order
 * the groups come out in.
 */
export interface Grouping {
  count: number;
  ids: Int32Array;
  /** Visit index of each group's first row. */
  first: Int32Array;
  /** Frame row of the n-th visited row. */
  row(n: number): number;
  /** Number of visited rows. */
  visited: number;
}

/** Dense codes of one key (or key tuple) per visited row, with the visit index of each code's first row. */
interface Codes {
  codes: Int32Array;
  first: number[];
}

/**
 * Groups the rows (all of the frame, or `rows`) by the key expressions. Each key is coded into
 * dense ids on its own (a Map over the raw value; `bin()` of a datetime by its bin number, without
 * the BigInts of computing the bin start), then the codes are combined pairwise. With no keys
 * there is one group, even over no rows (Kusto's summarize without `by` always returns one row).
 */
export function groupIds(frame: Frame, keys: NamedExpr[], env: Env, rows?: ArrayLike<number>): Grouping {
  const visited = rows ? rows.length : frame.length;
  const row = rows ? (n: number) => rows[n] : (n: number) => n;
  if (keys.length === 0) {
    return { count: 1, ids: new Int32Array(visited), first: Int32Array.of(0), row, visited };
  }
  let combined = codeKey(keys[0], frame, env, rows, visited);
  for (let k = 1; k < keys.length; k++) {
    const next = codeKey(keys[k], frame, env, rows, visited);
    combined = combine(combined.codes, combined.first.length, next.codes, next.first.length);
  }
  return {
    count: combined.first.length,
    ids: combined.codes,
    first: Int32Array.from(combined.first),
    row,
    visited,
  };
}

function codeKey(
  { expr, span }: NamedExpr,
  frame: Frame,
  env: Env,
  rows: ArrayLike<number> | undefined,
  visited: number,
): Codes {
  const dictionary = expr.kind === 'column' ? frame.dictionary?.(expr.index) : undefined;
  if (dictionary) return recode(dictionary.codes, dictionary.dictionary.length, rows, visited);
  const codes = new Int32Array(visited);
  const first: number[] = [];
  const ids = new Map<unknown, number>();
  const binned = binNumber(expr, frame, env);
  const f = compileScalar(expr, frame, env);
  const type = expr.type;
  for (let n = 0; n < visited; n++) {
    const i = rows ? rows[n] : n;
    const key = binned ? binned(i) : keyOf(f(i), type);
    if (typeof key === 'number' && Number.isNaN(key)) refuseNaNGroup(span);
    let code = ids.get(key);
    if (code === undefined) {
      code = first.length;
      ids.set(key, code);
      first.push(n);
    }
    codes[n] = code;
  }
  return { codes, first };
}

/**
 * A NaN group key (`summarize by`, `distinct`): the summarize page makes one group per distinct value,
 * but NaN is not equal to itself (`==` answers false) and no page says whether NaN rows form one group,
 * one group each, or join null's; the engine made one group. The real page names NaN as a value a
 * division gives, so a rule meets it; isnan() picks such rows out.
 */
function refuseNaNGroup(span: Span | undefined): never {
  throw new UnsupportedError(
    'a NaN group key',
    span ?? { start: 0, length: 0 },
    'a NaN value as a summarize by or distinct key: no page says whether NaN rows form one group (NaN == NaN is false); filter them with isnan() or replace them with iff(isnan(x), real(null), x)',
  );
}

/**
 * Dense codes, in order of first appearance among the visited rows, of a dictionary-encoded
 * column's codes (below `size`, or -1 for null): a table lookup per row, no hashing.
 */
function recode(
  source: Int32Array,
  size: number,
  rows: ArrayLike<number> | undefined,
  visited: number,
): Codes {
  const codes = new Int32Array(visited);
  const first: number[] = [];
  const table = new Int32Array(size + 1).fill(-1);
  for (let n = 0; n < visited; n++) {
    const slot = source[rows ? rows[n] : n] + 1;
    let code = table[slot];
    if (code < 0) {
      code = table[slot] = first.length;
      first.push(n);
    }
    codes[n] = code;
  }
  return { codes, first };
}

/** Codes of the pairs (a, b) of per-visit codes below aSize and bSize, numbered in order of first appearance. */
function combine(a: Int32Array, aSize: number, b: Int32Array, bSize: number): Codes {
  const visited = a.length;
  const codes = new Int32Array(visited);
  const first: number[] = [];
  const pairs = aSize * bSize;
  const assign = (n: number, code: number | undefined): number => {
    if (code !== undefined && code >= 0) return code;
    first.push(n);
    return first.length - 1;
  };
  if (pairs <= Math.max(4096, 4 * visited)) {
    // Few enough pairs for a direct table.
    const table = new Int32Array(pairs).fill(-1);
    for (let n = 0; n < visited; n++) {
      const p = a[n] * bSize + b[n];
      codes[n] = table[p] = assign(n, table[p]);
    }
  } else if (pairs <= Number.MAX_SAFE_INTEGER) {
    // NumberIds numbers pairs in order of first appearance, as `first` does.
    const table = new NumberIds();
    for (let n = 0; n < visited; n++) {
      const code = table.add(a[n] * bSize + b[n]);
      if (code === first.length) first.push(n);
      codes[n] = code;
    }
  } else {
    const table = new Map<string, number>();
    for (let n = 0; n < visited; n++) {
      const p = `${a[n]},${b[n]}`;
      const code = assign(n, table.get(p));
      table.set(p, code);
      codes[n] = code;
    }
  }
  return { codes, first };
}

/** The grouping by (group, code) pairs, e.g. a make-series group and bin: `codes[n]` below `size`. */
export function subgroups(grouping: Grouping, codes: Int32Array, size: number): Grouping {
  const pairs = combine(grouping.ids, grouping.count, codes, size);
  return { ...grouping, count: pairs.first.length, ids: pairs.codes, first: Int32Array.from(pairs.first) };
}

// Remainders this far from a bin edge decide the bin from doubles: converting ticks below 2^62 to
// a double is off by at most 512 ticks, and the subtraction, division and product add less than
// three times that again.
const EDGE_MARGIN = 8192;
const MIN_STEP = 16n * BigInt(EDGE_MARGIN);
const MAX_EXACT_TICKS = 2 ** 62;

/**
 * floor((t - origin) / step) of ticks as a JS number without BigInt arithmetic per value: computed
 * on doubles and checked against the bin edges, with `exact` (bigint arithmetic) deciding near an
 * edge, for steps too small for the check, and for ticks beyond 2^62.
 */
export function tickBinner(
  origin: bigint,
  step: bigint,
  exact: (t: bigint) => number,
): (t: bigint) => number {
  const o = Number(origin);
  const s = Number(step);
  if (step < MIN_STEP || Math.abs(o) >= MAX_EXACT_TICKS) return exact;
  return (t) => {
    const x = Number(t);
    if (Math.abs(x) < MAX_EXACT_TICKS) {
      const q = Math.floor((x - o) / s);
      const r = x - o - q * s;
      if (r > EDGE_MARGIN && r < s - EDGE_MARGIN) return q;
    }
    return exact(t);
  };
}

/**
 * For `bin(t, size)` / `floor(t, size)` of a datetime or timespan with a constant size: the bin
 * number of each row (null for a null t). Equal numbers mean equal bins; the group's value is
 * computed by bin() itself, at the group's first row.
 */
function binNumber(expr: ScalarExpr, frame: Frame, env: Env): ((i: number) => number | null) | undefined {
  if (expr.kind !== 'call' || expr.callee !== 'function' || (expr.name !== 'bin' && expr.name !== 'floor'))
    return undefined;
  const [value, size] = expr.args;
  if (value.type !== 'datetime' && value.type !== 'timespan') return undefined;
  // Smaller steps could number bins beyond 2^53, where doubles no longer tell them apart.
  if (size?.kind !== 'literal' || typeof size.value !== 'bigint' || size.value < MIN_STEP) return undefined;
  const step = size.value;
  // A column with a tick vector is binned from its doubles, with no bigint per row.
  const vector = value.kind === 'column' ? frame.ticks?.(value.index) : undefined;
  const fromVector = vector && tickBinNumbers(vector, value.type, step);
  if (fromVector) return fromVector;
  const ticks = compileScalar(value, frame, env);
  const exact = compileScalar(expr, frame, env);
  // bin() returns the bin's start, a multiple of the step: the division is exact.
  let row = 0;
  const bin = tickBinner(0n, step, () => {
    const start = exact(row);
    return typeof start === 'bigint' ? Number(start / step) : Number.NaN;
  });
  return (i) => {
    const t = ticks(i);
    if (typeof t !== 'bigint') return null;
    row = i;
    const b = bin(t);
    return Number.isNaN(b) ? null : b;
  };
}

/**
 * The columns of a summarize: each key's value at its group's first row, then each aggregate's
 * outputs. Aggregates with a grouped implementation run over all groups at once (their columns
 * are built when first read); the others keep one accumulator per group.
 */
export function summarizeColumns(
  frame: Frame,
  grouping: Grouping,
  keys: NamedExpr[],
  aggregates: AggregateCall[],
  env: Env,
): Value[][] {
  const { count, first, row } = grouping;
  const columns: (() => Value[])[] = keys.map((k) => {
    const f = compileScalar(k.expr, frame, env);
    const out: Value[] = new Array(count);
    for (let g = 0; g < count; g++) out[g] = f(row(first[g]));
    return () => out;
  });
  for (const call of aggregates) {
    const args: RowFn[] = compileAggregateArgs(call, frame, env);
    columns.push(...(groupedAggregate(call, args, frame, grouping) ?? perGroup(call, args, grouping)));
  }
  return lazyColumns(columns.length, (c) => columns[c]());
}

function perGroup(call: AggregateCall, args: RowFn[], grouping: Grouping): (() => Value[])[] {
  const make = aggregateFactory(call, args);
  const { count, ids, row, visited } = grouping;
  const accumulators = Array.from({ length: count }, make);
  const columns: Value[][] = call.outputs.map(() => new Array(count));
  try {
    for (let n = 0; n < visited; n++) accumulators[ids[n]].add(row(n));
    for (let g = 0; g < count; g++) {
      const values = accumulators[g].result();
      for (let c = 0; c < values.length; c++) columns[c][g] = values[c];
    }
  } catch (error) {
    throw positioned(error, call.span, call.fn);
  }
  return columns.map((column) => () => column);
}
