import { evaluationError } from '../plan/errors.js';
import type { Plan, ScalarExpr } from '../plan/types.js';
import { type Json, type Value, valueToDynamic } from '../values/index.js';
import { emptyFrame, type Frame } from './frame.js';
import { type Grouping, groupIds, subgroups, summarizeColumns, tickBinner } from './group.js';
import { compileScalar, type Env } from './scalar.js';
import { compareForSort } from './sort.js';

const MAX_BINS = 100_000;

function constant(expr: ScalarExpr, env: Env): Value {
  return compileScalar(expr, emptyFrame([]), env)(0);
}

const toNumber = (v: Value): number | null =>
  typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : null;

/** The bins of a make-series axis: how many, the bin of a value (-1 outside from..to), each bin's start. */
interface Axis {
  bins: number;
  binOf(v: Value): number;
  at(bin: number): Value;
}

const badAxis = () =>
  evaluationError('make-series needs from < to and a positive step', { start: 0, length: 0 });

/**
 * Datetime and timespan axes stay in exact ticks (a double cannot tell ticks apart near a bin
 * edge or `from`); numeric axes use numbers.
 */
function axisOf(from: Value, to: Value, by: Value, type: string): Axis {
  if (typeof from === 'bigint' && typeof to === 'bigint' && typeof by === 'bigint') {
    if (by <= 0n) throw badAxis();
    const bin = tickBinner(from, by, (t) => Number((t - from) / by));
    return {
      bins: to > from ? Number((to - from + by - 1n) / by) : 0,
      binOf: (v) => (typeof v === 'bigint' && v >= from && v < to ? bin(v) : -1),
      at: (b) => from + BigInt(b) * by,
    };
  }
  const start = toNumber(from);
  const end = toNumber(to);
  const step = toNumber(by);
  if (start === null || end === null || step === null || step <= 0) throw badAxis();
  const ticks = type === 'datetime' || type === 'timespan';
  return {
    bins: Math.max(0, Math.ceil((end - start) / step)),
    binOf: (v) => {
      const t = toNumber(v);
      return t === null || t < start || t >= end ? -1 : Math.floor((t - start) / step);
    },
    at: (b) => (ticks ? BigInt(start + b * step) : start + b * step),
  };
}

/**
 * make-series: per group, one array element per bin start..end (end exclusive) by step; bins
 * without rows hold the aggregate's default (0 for count/sum, else null unless `default=`).
 */
export function executeMakeSeries(plan: Extract<Plan, { op: 'make-series' }>, input: Frame, env: Env): Frame {
  const axisType = plan.axis.type;
  const {
    bins,
    binOf: binOfValue,
    at,
  } = axisOf(constant(plan.start, env), constant(plan.end, env), constant(plan.step, env), axisType);
  if (bins > MAX_BINS)
    throw evaluationError(`make-series would produce ${bins} bins`, { start: 0, length: 0 });
  const axis = compileScalar(plan.axis, input, env);
  const rows: number[] = [];
  const binList: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const b = binOfValue(axis(i));
    if (b < 0) continue;
    rows.push(i);
    binList.push(b);
  }
  const binOf = Int32Array.from(binList);
  const grouping = groupIds(input, plan.keys, env, rows);
  // Without `by` and without rows there is no series (a summarize would still give one row).
  const groups = rows.length === 0 ? 0 : grouping.count;
  const keyColumns = summarizeColumns(input, grouping, plan.keys, [], env);
  const cells = subgroups(grouping, binOf, bins);
  const cellValues = summarizeColumns(input, cells, [], plan.aggregates, env);
  const cellOf = cellIndex(cells, grouping.ids, binOf, groups, bins);
  const columns: Value[][] = plan.schema.map(() => new Array(groups));
  const times: Json[] = [];
  for (let b = 0; b < bins; b++) times.push(valueToDynamic(at(b), axisType));
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
export function executeTopNested(plan: Extract<Plan, { op: 'top-nested' }>, input: Frame, env: Env): Frame {
  const columns: Value[][] = plan.schema.map(() => []);
  const emit = (prefix: Value[]) => {
    for (const [k, v] of prefix.entries()) columns[k].push(v);
  };
  const descend = (level: number, rows: number[], prefix: Value[]) => {
    if (level === plan.levels.length) {
      emit(prefix);
      return;
    }
    const spec = plan.levels[level];
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
    scored.sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? 0 : a.value === null ? 1 : -1;
      const c = compareForSort(a.value, b.value, type);
      return spec.descending ? -c : c;
    });
    const limit = spec.count ? Number(constant(spec.count, env)) : scored.length;
    for (const { key, value } of scored.slice(0, limit)) {
      const memberKey = typeof key === 'object' && key !== null ? JSON.stringify(key) : key;
      descend(level + 1, members.get(memberKey) ?? [], [...prefix, key, value]);
    }
  };
  descend(
    0,
    Array.from({ length: input.length }, (_, i) => i),
    [],
  );
  return { schema: plan.schema, columns, length: columns[0]?.length ?? 0 };
}
