import { evaluationError, UnsupportedError } from '../plan/errors.js';
import type { Plan, ScalarExpr } from '../plan/types.js';
import { type Json, type Value, valueToDynamic } from '../values/index.js';
import { type Accumulator, aggregateFactory } from './aggregates.js';
import { emptyFrame, type Frame } from './frame.js';
import { groupRows } from './group.js';
import { compositeKey } from './keys.js';
import { compileScalar, type Env } from './scalar.js';
import { compareForSort } from './sort.js';

const MAX_BINS = 100_000;

function constant(expr: ScalarExpr, env: Env): Value {
  return compileScalar(expr, emptyFrame([]), env)(0);
}

const toNumber = (v: Value): number | null =>
  typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : null;

/**
 * make-series: per group, one array element per bin start..end (end exclusive) by step; bins
 * without rows hold the aggregate's default (0 for count/sum, else null unless `default=`).
 */
export function executeMakeSeries(plan: Extract<Plan, { op: 'make-series' }>, input: Frame, env: Env): Frame {
  const start = toNumber(constant(plan.start, env));
  const end = toNumber(constant(plan.end, env));
  const step = toNumber(constant(plan.step, env));
  const axisType = plan.axis.type;
  if (start === null || end === null || step === null || step <= 0)
    throw evaluationError('make-series needs from < to and a positive step', { start: 0, length: 0 });
  const bins = Math.ceil((end - start) / step);
  if (bins > MAX_BINS)
    throw evaluationError(`make-series would produce ${bins} bins`, { start: 0, length: 0 });
  const axis = compileScalar(plan.axis, input, env);
  const binOf: number[] = new Array(input.length);
  const rows: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const t = toNumber(axis(i));
    if (t === null || t < start || t >= end) continue;
    binOf[i] = Math.floor((t - start) / step);
    rows.push(i);
  }
  const factories = plan.aggregates.map((a) =>
    aggregateFactory(
      a,
      a.args.map((arg) => compileScalar(arg, input, env)),
    ),
  );
  const keyFns = plan.keys.map((k) => compileScalar(k.expr, input, env));
  const keyTypes = plan.keys.map((k) => k.expr.type);
  const byKey = new Map<string, { keys: Value[]; bins: Map<number, Accumulator[]> }>();
  for (const i of rows) {
    const keys = keyFns.map((f) => f(i));
    const key = compositeKey(keys, keyTypes);
    let group = byKey.get(key);
    if (!group) {
      group = { keys, bins: new Map() };
      byKey.set(key, group);
    }
    let accs = group.bins.get(binOf[i]);
    if (!accs) {
      accs = factories.map((f) => f());
      group.bins.set(binOf[i], accs);
    }
    for (const acc of accs) acc.add(i);
  }
  if (plan.nonEmpty && byKey.size === 0) {
    // "kind=nonempty produces default result when the input of make-series operator is empty": the
    // page shows it for a query without `by`; what the by columns hold, or what happens when rows
    // exist but none falls in the range, it does not say.
    if (input.length > 0 || plan.keys.length > 0)
      throw new UnsupportedError(
        'make-series kind=nonempty',
        plan.span,
        'make-series kind=nonempty is only answered for an empty input without by columns (the documented case)',
      );
    byKey.set('', { keys: [], bins: new Map() });
  }
  const columns: Value[][] = plan.schema.map(() => []);
  for (const group of byKey.values()) {
    for (const [k, v] of group.keys.entries()) columns[k].push(v);
    plan.aggregates.forEach((a, k) => {
      const series: Json[] = [];
      for (let b = 0; b < bins; b++) {
        const accs = group.bins.get(b);
        series.push(
          accs
            ? valueToDynamic(accs[k].result()[0], a.outputs[0].type)
            : valueToDynamic(a.defaultValue, a.outputs[0].type),
        );
      }
      columns[plan.keys.length + k].push(series);
    });
    const times: Json[] = [];
    for (let b = 0; b < bins; b++) {
      const t = start + b * step;
      times.push(
        valueToDynamic(axisType === 'datetime' || axisType === 'timespan' ? BigInt(t) : t, axisType),
      );
    }
    columns[columns.length - 1].push(times);
  }
  return { schema: plan.schema, columns, length: columns[0].length };
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
    const groups = groupRows(input, [spec.key], [spec.aggregate], env, rows);
    const scored = groups.map((g) => ({ key: g.keys[0], value: g.accumulators[0].result()[0] }));
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
