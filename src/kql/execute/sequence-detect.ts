// The sequence_detect plugin (https://learn.microsoft.com/kusto/query/sequence-detect-plugin).
import { UnsupportedError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import type { Frame } from './frame.js';
import { compilePredicate, compileScalar, type Env } from './scalar.js';

type SequenceDetect = Extract<Plan, { op: 'sequence-detect' }>;

const keyText = (v: Value) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));

interface Group {
  dims: Value[];
  /** Per step, the times of the rows matching it. */
  times: bigint[][];
}

/**
 * Each occurrence is a row matching the first step and a later row matching the second, with the
 * same dims, at most MaxSequenceStepWindow and MaxSequenceSpan apart. Every such pair is one
 * occurrence: the page's StormEvents output pairs one heat event with two wildfires and one wildfire
 * with two heat events. What the page leaves open is refused when the data reaches it: a row
 * matching both steps, two rows of a step at one time, a step at the same time as the previous one,
 * a gap of exactly a limit (inclusive or not), a null timeline or dim.
 */
export function executeSequenceDetect(plan: SequenceDetect, input: Frame, env: Env): Frame {
  const refuse = (why: string) =>
    new UnsupportedError('sequence_detect', plan.span, `sequence_detect: ${why}`);
  const time = compileScalar(plan.time, input, env);
  const steps = plan.steps.map((s) => compilePredicate(s, input, env));
  const dims = plan.dims.map((d) => compileScalar(d, input, env));
  const groups = new Map<string, Group>();
  for (let i = 0; i < input.length; i++) {
    const matched = steps.map((step) => step(i) === true);
    const step = matched.indexOf(true);
    if (step < 0) continue;
    if (matched.lastIndexOf(true) !== step) throw refuse('a row matches more than one step (not documented)');
    const t = time(i);
    if (typeof t !== 'bigint') throw refuse('a row matching a step has a null timeline value');
    const dimValues = dims.map((d) => d(i));
    if (dimValues.includes(null)) throw refuse('a row matching a step has a null dimension (not documented)');
    const key = dimValues.map(keyText).join('|');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dims: dimValues, times: steps.map(() => []) }));
    group.times[step].push(t);
  }
  // biome-ignore lint/complexity/useMathMinMax: ticks are bigints, which Math.min does not take
  const limit = plan.maxStep < plan.maxSpan ? plan.maxStep : plan.maxSpan;
  const occurrences: { dims: Value[]; first: bigint; second: bigint }[] = [];
  for (const group of groups.values()) {
    const [firsts, seconds] = group.times.map((times) =>
      [...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    for (const times of [firsts, seconds])
      if (times.some((t, k) => k > 0 && t === times[k - 1]))
        throw refuse(
          'two rows of one step and dimensions at the same time (one occurrence or two is not documented)',
        );
    let from = 0;
    for (const first of firsts) {
      // Both lists are sorted: the second steps at or after this first step start at `from`.
      while (from < seconds.length && seconds[from] < first) from++;
      for (let k = from; k < seconds.length; k++) {
        const second = seconds[k];
        const gap = second - first;
        if (gap > limit) break;
        if (gap === 0n)
          throw refuse(
            'the second step at the same time as the first (whether it follows is not documented)',
          );
        if (gap === plan.maxStep || gap === plan.maxSpan)
          throw refuse(
            'a gap of exactly MaxSequenceStepWindow or MaxSequenceSpan (inclusive or not is not documented)',
          );
        occurrences.push({ dims: group.dims, first, second });
      }
    }
  }
  // Kusto defines no order; the page lists occurrences by their steps' times.
  occurrences.sort((a, b) =>
    a.first !== b.first
      ? a.first < b.first
        ? -1
        : 1
      : a.second < b.second
        ? -1
        : a.second > b.second
          ? 1
          : 0,
  );
  const rows = occurrences.map((o) => [...o.dims, o.first, o.second, o.second - o.first]);
  return {
    schema: plan.schema,
    columns: plan.schema.map((_, c) => rows.map((r) => r[c])),
    length: rows.length,
  };
}
