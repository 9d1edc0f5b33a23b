// The rolling_percentile plugin (https://learn.microsoft.com/kusto/query/rolling-percentile-plugin).
import { UnsupportedError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { aggregateFactory, compileAggregateArgs } from './aggregates.js';
import type { Frame } from './frame.js';
import { compileScalar, type Env } from './scalar.js';

const keyText = (v: Value) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));

export function executeRollingPercentile(
  plan: Extract<Plan, { op: 'rolling-percentile' }>,
  input: Frame,
  env: Env,
): Frame {
  const bin = compileScalar(plan.bin, input, env);
  const dims = plan.dims.map((d) => compileScalar(d, input, env));
  const args = compileAggregateArgs(plan.percentile, input, env);
  const accumulator = aggregateFactory(plan.percentile, args);
  // Rows by dims (first appearance), then by bin.
  const groups = new Map<string, { dims: Value[]; bins: Map<string, { bin: Value; rows: number[] }> }>();
  for (let i = 0; i < input.length; i++) {
    const b = bin(i);
    if (b === null)
      throw new UnsupportedError(
        'rolling_percentile',
        plan.span,
        'rolling_percentile: a null IndexColumn value',
      );
    const dimValues = dims.map((d) => d(i));
    const key = dimValues.map(keyText).join('|');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dims: dimValues, bins: new Map() }));
    const entry = group.bins.get(keyText(b)) ?? { bin: b, rows: [] };
    entry.rows.push(i);
    group.bins.set(keyText(b), entry);
  }
  const step = plan.binSize;
  const rows: Value[][] = [];
  for (const group of groups.values()) {
    const bins = [...group.bins.values()].sort((a, b) => ((a.bin as number) < (b.bin as number) ? -1 : 1));
    // The page does not say whether a bin without rows gets a row, or counts in the window.
    for (let k = 1; k < bins.length; k++) {
      const gap =
        typeof step === 'bigint'
          ? (bins[k].bin as bigint) - (bins[k - 1].bin as bigint) !== step
          : (bins[k].bin as number) - (bins[k - 1].bin as number) !== step;
      if (gap)
        throw new UnsupportedError(
          'rolling_percentile',
          plan.span,
          'rolling_percentile over bins without rows (not documented)',
        );
    }
    bins.forEach((entry, k) => {
      const acc = accumulator();
      for (let j = Math.max(0, k - plan.window + 1); j <= k; j++) for (const i of bins[j].rows) acc.add(i);
      rows.push([entry.bin, ...group.dims, acc.result()[0]]);
    });
  }
  return {
    schema: plan.schema,
    columns: plan.schema.map((_, c) => rows.map((r) => r[c])),
    length: rows.length,
  };
}
