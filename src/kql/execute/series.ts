import { evaluationError, UnsupportedError } from '../plan/errors.js';
import type { Plan, ScalarExpr } from '../plan/types.js';
import { type Json, refuseWideDecimal, type Value, valueToDynamic, WideDecimal } from '../values/index.js';
import { aggregateFactory, compileAggregateArgs } from './aggregates.js';
import { emptyFrame, emptyValue, type Frame } from './frame.js';
import { type Grouping, groupIds, subgroups, summarizeColumns } from './group.js';
import { compileScalar, type Env } from './scalar.js';
import { compareSortKey } from './sort.js';
import { floorQuotient, TICK_VECTOR_BASE } from './tick-vectors.js';

const MAX_BINS = 100_000;

type MakeSeriesPlan = Extract<Plan, { op: 'make-series' }>;

function constant(expr: ScalarExpr, env: Env): Value {
  return compileScalar(expr, emptyFrame([]), env)(0);
}

/** Arithmetic on axis values: exact bigint ticks for datetime/timespan, doubles for numbers. */
interface AxisMath<T> {
  of(v: Value): T | null;
  zero: T;
  sub(a: T, b: T): T;
  add(a: T, b: T): T;
  mul(a: T, n: number): T;
  /** floor(a / b) as a bin count. */
  div(a: T, b: T): number;
  less(a: T, b: T): boolean;
  out(v: T): Value;
}

const TICKS: AxisMath<bigint> = {
  of: (v) => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null),
  zero: 0n,
  sub: (a, b) => a - b,
  add: (a, b) => a + b,
  mul: (a, n) => a * BigInt(n),
  div: (a, b) => {
    const q = a / b;
    return Number(a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q);
  },
  less: (a, b) => a < b,
  out: (v) => v,
};

const NUMBERS: AxisMath<number> = {
  of: (v) => {
    // A decimal a double cannot hold (values/wideDecimal.ts) was read as a null axis value and dropped.
    if (v instanceof WideDecimal) refuseWideDecimal('a make-series axis');
    return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : null;
  },
  zero: 0,
  sub: (a, b) => a - b,
  add: (a, b) => a + b,
  mul: (a, n) => a * n,
  div: (a, b) => Math.floor(a / b),
  less: (a, b) => a < b,
  out: (v) => v,
};

/** The series' bins: how many, the bin of an axis value (undefined: outside), and each bin's axis value. */
interface Bins {
  count: number;
  binOf(t: Value): number | undefined;
  valueAt(b: number): Value;
}

function seriesBins<T>(plan: MakeSeriesPlan, env: Env, math: AxisMath<T>): Bins {
  const start = math.of(constant(plan.start, env));
  const end = math.of(constant(plan.end, env));
  const step = math.of(constant(plan.step, env));
  if (start === null || end === null || step === null || !math.less(math.zero, step))
    throw evaluationError('make-series needs from < to and a positive step', plan.span);
  // Main syntax: bin_at(t, step, start) over [start, end). Alternate syntax: bin(t, step) from
  // bin(start) through the bin holding stop.
  const first = plan.inclusiveRange ? math.mul(step, math.div(start, step)) : start;
  const count = plan.inclusiveRange
    ? Math.max(0, math.div(end, step) - math.div(start, step) + 1)
    : Math.max(0, -math.div(math.sub(start, end), step));
  if (count > MAX_BINS) throw evaluationError(`make-series would produce ${count} bins`, plan.span);
  return {
    count,
    binOf(value) {
      const t = math.of(value);
      // Main syntax: "end" is the non-inclusive high bound of the axis values kept.
      if (t === null || math.less(t, first) || (!plan.inclusiveRange && !math.less(t, end))) return undefined;
      const b = math.div(math.sub(t, first), step);
      if (b >= count) return undefined;
      // A row in the first or last bin but outside [start, stop]: the page does not say whether
      // bin() keeps it, so the query is refused rather than answered either way.
      if (plan.inclusiveRange && (math.less(t, start) || math.less(end, t)))
        throw new UnsupportedError(
          'make-series in range()',
          plan.span,
          'make-series ... in range(): a row falls in an edge bin but outside [start, stop], and the docs do not say whether it is counted; align start and stop to the step or filter the rows',
        );
      return b;
    },
    valueAt: (b) => math.out(math.add(first, math.mul(step, b))),
  };
}

/**
 * The bin of each row (undefined: outside the axis) computed from the axis column's tick vector, with
 * no bigint per row, for the main syntax (bins from `from` by `step`, rows in [from, to)); undefined
 * when the axis is not such a column or a bound is not an exact double. The same bins as
 * seriesBins: x - from is an integer of magnitude at most 2^53 - 1 (floorQuotient).
 */
function tickAxisBins(
  plan: MakeSeriesPlan,
  input: Frame,
  env: Env,
  count: number,
): ((i: number) => number | undefined) | undefined {
  if (plan.inclusiveRange || plan.axis.kind !== 'column') return undefined;
  const type = plan.axis.type;
  if (type !== 'datetime' && type !== 'timespan') return undefined;
  const vector = input.ticks?.(plan.axis.index);
  const [start, end, step] = [plan.start, plan.end, plan.step].map((e) => constant(e, env));
  if (!vector || typeof start !== 'bigint' || typeof end !== 'bigint' || typeof step !== 'bigint')
    return undefined;
  const base = type === 'datetime' ? TICK_VECTOR_BASE : 0n;
  const limit = BigInt(Number.MAX_SAFE_INTEGER) / 4n;
  const inRange = (t: bigint) => t >= -limit && t <= limit;
  if (!inRange(start - base) || !inRange(end - base) || step <= 0n || !inRange(step)) return undefined;
  const [from, to, s] = [Number(start - base), Number(end - base), Number(step)];
  return (i) => {
    const x = vector[i];
    if (x < from || x >= to) return undefined;
    const b = floorQuotient(x - from, s);
    return b < count ? b : undefined;
  };
}

/**
 * make-series: per group, one array element per bin start..end (end exclusive) by step; bins
 * without rows hold the aggregate's default (0 for count/sum, else null unless `default=`).
 */
export function executeMakeSeries(plan: MakeSeriesPlan, input: Frame, env: Env): Frame {
  if (plan.openRange) {
    // Without from or to the axis is "the first bin that has data in each series" (make-series
    // page): whether groups share one axis is not said, but an empty input gives no series either way.
    if (input.length > 0 || plan.nonEmpty)
      throw new UnsupportedError(
        'make-series without from/to',
        plan.openRange,
        'make-series without from and to over rows: the documented default ("the first bin that has data in each series") does not say whether groups share one axis; give from and to',
      );
    return { schema: plan.schema, columns: plan.schema.map(() => []), length: 0 };
  }
  const axisType = plan.axis.type;
  const exact = axisType === 'datetime' || axisType === 'timespan';
  const axisBins = exact ? seriesBins(plan, env, TICKS) : seriesBins(plan, env, NUMBERS);
  const bins = axisBins.count;
  const axis = compileScalar(plan.axis, input, env);
  const binAt =
    (exact && tickAxisBins(plan, input, env, axisBins.count)) || ((i: number) => axisBins.binOf(axis(i)));
  const rows: number[] = [];
  const binList: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const b = binAt(i);
    if (b === undefined) continue;
    rows.push(i);
    binList.push(b);
  }
  const binOf = Int32Array.from(binList);
  const grouping = groupIds(input, plan.keys, env, rows);
  // Without `by` and without rows there is no series (a summarize would still give one row)...
  let groups = rows.length === 0 ? 0 : grouping.count;
  if (rows.length < input.length) refuseGroupsOutsideAxis(plan, input, env, groups);
  if (plan.nonEmpty && groups === 0) {
    // ...unless "kind=nonempty produces default result when the input of make-series operator is
    // empty": the page shows it for a query without `by`; what the by columns hold, or what happens
    // when rows exist but none falls in the range, it does not say.
    if (input.length > 0 || plan.keys.length > 0)
      throw new UnsupportedError(
        'make-series kind=nonempty',
        plan.span,
        'make-series kind=nonempty is only answered for an empty input without by columns (the documented case)',
      );
    groups = 1;
  }
  const keyColumns = summarizeColumns(input, grouping, plan.keys, [], env);
  const cells = subgroups(grouping, binOf, bins);
  const cellValues = summarizeColumns(input, cells, [], plan.aggregates, env);
  const cellOf = cellIndex(cells, grouping.ids, binOf, groups, bins);
  const columns: Value[][] = plan.schema.map(() => new Array(groups));
  const times: Json[] = [];
  for (let b = 0; b < bins; b++) times.push(valueToDynamic(axisBins.valueAt(b), axisType));
  for (let k = 0; k < plan.keys.length; k++) columns[k] = keyColumns[k];
  let output = 0;
  plan.aggregates.forEach((a, k) => {
    const values = cellValues[output];
    output += a.outputs.length;
    const type = a.outputs[0].type;
    const fallback = valueToDynamic(a.defaultValue, type);
    const column = columns[plan.keys.length + k];
    for (let g = 0; g < groups; g++) {
      const series: Json[] = new Array(bins);
      for (let b = 0; b < bins; b++) {
        const cell = cellOf(g, b);
        series[b] = cell < 0 ? fallback : valueToDynamic(values[cell], type);
      }
      column[g] = series;
    }
  });
  const timeColumn = columns[columns.length - 1];
  for (let g = 0; g < groups; g++) timeColumn[g] = times.slice();
  return { schema: plan.schema, columns, length: groups };
}

/**
 * A group whose rows all fall outside the axis (before from, at or after to, or a null axis value):
 * the make-series page fills the bins of a group that has rows with the default, and prints no
 * series for an empty input, but does not say whether such a group gets a default-filled series
 * or none (the engine answered none, a summarize-then-fill reading answers a series of defaults).
 * Found by the differential pair make-series vs summarize by bin (equivalences-series.ts).
 */
function refuseGroupsOutsideAxis(plan: MakeSeriesPlan, input: Frame, env: Env, inAxis: number): void {
  if (input.length === 0 || groupIds(input, plan.keys, env).count <= inAxis) return;
  throw new UnsupportedError(
    'make-series',
    plan.span,
    'make-series where every row of a group (or of the input) falls outside from..to or has a null axis value: the docs do not say whether that group gets a default-filled series or none; filter the rows to the range first',
  );
}

/** The cell of group g's bin b, or -1 when no row fell in it. */
function cellIndex(
  cells: Grouping,
  groupOf: Int32Array,
  binOf: Int32Array,
  groups: number,
  bins: number,
): (g: number, b: number) => number {
  const at = (c: number) => groupOf[cells.first[c]] * bins + binOf[cells.first[c]];
  if (groups * bins <= Math.max(4096, 4 * cells.visited)) {
    const table = new Int32Array(groups * bins).fill(-1);
    for (let c = 0; c < cells.count; c++) table[at(c)] = c;
    return (g, b) => table[g * bins + b];
  }
  const map = new Map<number, number>();
  for (let c = 0; c < cells.count; c++) map.set(at(c), c);
  return (g, b) => map.get(g * bins + b) ?? -1;
}

/** top-nested: the top N values of each level's key by its aggregate, within each parent group. */
/**
 * A level's two cells for the records left out of the top values above or at it
 * (https://learn.microsoft.com/kusto/query/top-nested-operator, "Use with others"): the level's
 * others value and its aggregation over those records when the level has `with others`, else empty
 * cells, as the page's example prints for its Source level between two levels with others.
 */
function othersCells(
  plan: Extract<Plan, { op: 'top-nested' }>,
  level: number,
  rows: number[],
  input: Frame,
  env: Env,
): Value[] {
  const spec = plan.levels[level];
  if (!spec.others) return [emptyValue(spec.key.expr.type), null];
  const accumulator = aggregateFactory(spec.aggregate, compileAggregateArgs(spec.aggregate, input, env))();
  for (const i of rows) accumulator.add(i);
  return [constant(spec.others, env), accumulator.result()[0]];
}

export function executeTopNested(plan: Extract<Plan, { op: 'top-nested' }>, input: Frame, env: Env): Frame {
  const columns: Value[][] = plan.schema.map(() => []);
  const emit = (prefix: Value[]) => {
    for (const [k, v] of prefix.entries()) columns[k].push(v);
  };
  const descend = (level: number, rows: number[], prefix: Value[], inOthers = false) => {
    if (level === plan.levels.length) {
      emit(prefix);
      return;
    }
    const spec = plan.levels[level];
    if (inOthers) {
      descend(level + 1, rows, [...prefix, ...othersCells(plan, level, rows, input, env)], true);
      return;
    }
    const keyFn = compileScalar(spec.key.expr, input, env);
    const members = new Map<unknown, number[]>();
    for (const i of rows) {
      const k = keyFn(i);
      const key = typeof k === 'object' && k !== null ? JSON.stringify(k) : k;
      const list = members.get(key);
      if (list) list.push(i);
      else members.set(key, [i]);
    }
    const grouping = groupIds(input, [spec.key], env, rows);
    const [keys, values] = summarizeColumns(input, grouping, [spec.key], [spec.aggregate], env);
    const scored = keys.map((key, g) => ({ key, value: values[g] }));
    const type = spec.aggregate.outputs[0].type;
    scored.sort((a, b) => compareSortKey(a.value, b.value, type, spec.descending, false));
    const limit = spec.count ? Number(constant(spec.count, env)) : scored.length;
    // Values tied across the cut: which of their groups are the "top N" is not said by the
    // top-nested page (nor the sort page), and the groups differ in their key, which each output row
    // holds (as top's ties, kept-rows.ts).
    if (
      limit > 0 &&
      limit < scored.length &&
      compareSortKey(scored[limit - 1].value, scored[limit].value, type, spec.descending, false) === 0
    )
      throw new UnsupportedError(
        'top-nested over values tied across the cut',
        spec.aggregate.span,
        `top-nested keeps the top ${limit} values of a level, and groups with the value of the last kept one are left out; ` +
          'which of the tied groups are kept is not documented (top-nested and sort pages)',
      );
    const kept = new Set<number>();
    for (const { key, value } of scored.slice(0, limit)) {
      const memberKey = typeof key === 'object' && key !== null ? JSON.stringify(key) : key;
      const group = members.get(memberKey) ?? [];
      for (const i of group) kept.add(i);
      descend(level + 1, group, [...prefix, key, value]);
    }
    if (!plan.levels.slice(level).some((l) => l.others)) return;
    const rest = rows.filter((i) => !kept.has(i));
    if (rest.length > 0)
      descend(level + 1, rest, [...prefix, ...othersCells(plan, level, rest, input, env)], true);
    else if (spec.others)
      throw new UnsupportedError(
        'top-nested with others',
        spec.aggregate.span,
        'top-nested with others where no record is left out of the top values: whether the others record is added is not documented',
      );
  };
  descend(
    0,
    Array.from({ length: input.length }, (_, i) => i),
    [],
  );
  return { schema: plan.schema, columns, length: columns[0]?.length ?? 0 };
}
