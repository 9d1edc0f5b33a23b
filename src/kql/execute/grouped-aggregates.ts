import type { AggregateCall } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { refuseNaNDistinct, refuseOpenExtreme, tiedRowsDiffer } from './aggregates.js';
import { columnReader, type Frame } from './frame.js';
import type { Grouping } from './group.js';
import { estimateCheck } from './hll-exact.js';
import { keyOf } from './keys.js';
import type { RowFn } from './scalar.js';
import { compareForSort } from './sort.js';

/**
 * Output columns of an aggregate for every group at once, each column produced on first access:
 * state lives in one typed array per aggregate instead of one accumulator object per group. These
 * are the aggregates detections lean on; the same answers as their accumulators in aggregates.ts.
 */
type Grouped = (call: AggregateCall, args: RowFn[], frame: Frame, grouping: Grouping) => (() => Value[])[];

const counts = (values: Float64Array): (() => Value[])[] => [() => Array.from(values)];

const count: Grouped = (_call, _args, _frame, { count, ids, visited }) => {
  const n = new Float64Array(count);
  for (let k = 0; k < visited; k++) n[ids[k]]++;
  return counts(n);
};

const countif: Grouped = (_call, [predicate], _frame, { count, ids, row, visited }) => {
  const n = new Float64Array(count);
  for (let k = 0; k < visited; k++) if (predicate(row(k)) === true) n[ids[k]]++;
  return counts(n);
};

/**
 * Exact distinct count (see distinctCount in aggregates.ts): values get dense codes, the visited
 * rows are ordered by group (counting sort), and a per-code stamp of the last group that saw it
 * counts each code once per group, with no set per group.
 */
function distinctCount(conditional: boolean): Grouped {
  return (call, args, frame, { count, ids, row, visited }) => {
    const [value, predicate] = args;
    const type = call.args[0].type;
    const arg = call.args[0];
    const dictionary = arg.kind === 'column' ? frame.dictionary?.(arg.index) : undefined;
    const codes = new Int32Array(visited);
    const ofValue = new Map<unknown, number>();
    // A dictionary-encoded column's equal codes are equal values: its codes serve as they are.
    for (const v of dictionary?.dictionary ?? []) refuseNaNDistinct(v, call);
    for (let k = 0; dictionary && k < visited; k++) {
      const i = row(k);
      codes[k] = conditional && predicate(i) !== true ? -1 : dictionary.codes[i];
    }
    for (let k = 0; !dictionary && k < visited; k++) {
      const i = row(k);
      const v = conditional && predicate(i) !== true ? null : value(i);
      refuseNaNDistinct(v, call);
      if (v === null) {
        codes[k] = -1;
        continue;
      }
      const key = keyOf(v, type);
      let code = ofValue.get(key);
      if (code === undefined) {
        code = ofValue.size;
        ofValue.set(key, code);
      }
      codes[k] = code;
    }
    const stamp = new Int32Array(dictionary ? dictionary.dictionary.length : ofValue.size).fill(-1);
    const n = new Float64Array(count);
    const { start, order } = byGroup(ids, count);
    for (let g = 0; g < count; g++) {
      for (let m = start[g]; m < start[g + 1]; m++) {
        const code = codes[order[m]];
        if (code >= 0 && stamp[code] !== g) {
          stamp[code] = g;
          n[g]++;
        }
      }
    }
    const check = estimateCheck(call, args);
    if (check) for (const groupCount of n) check(groupCount);
    return counts(n);
  };
}

/** Visit indices ordered by group (counting sort): group g's are order[start[g]] .. order[start[g + 1] - 1]. */
function byGroup(ids: Int32Array, count: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(count + 1);
  for (let k = 0; k < ids.length; k++) start[ids[k] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const fill = start.slice(0, count);
  const order = new Int32Array(ids.length);
  for (let k = 0; k < ids.length; k++) order[fill[ids[k]]++] = k;
  return { start, order };
}

/**
 * arg_max/arg_min (see argExtreme in aggregates.ts): the best row of each group (the first such
 * row on ties; tied rows that differ in an output the query reads are refused, tiedRowsDiffer);
 * only the winners' and tied rows' values are read. A column argument (as `*` expands to) is read
 * only if a later operator reads that output.
 */
function argExtreme(sign: 1 | -1): Grouped {
  return (call, args, frame, { count, ids, row, visited }) => {
    const type = call.args[0].type;
    const [value] = args;
    const best: Value[] = new Array(count).fill(null);
    const winner = new Int32Array(count).fill(-1);
    // A group whose keys are all null keeps its first row (argExtreme in aggregates.ts).
    const first = new Int32Array(count).fill(-1);
    const readers = call.args.map((arg, c) =>
      arg.kind === 'column' ? columnReader(frame, arg.index) : args[c],
    );
    const observed = call.observed ?? call.outputs.map((_, c) => c);
    // The output a tied row differs in from its group's winner, refused once the scan ends (a later
    // strictly better row replaces both, so the flag is cleared with the winner).
    const differs = new Int32Array(count).fill(-1);
    const tie = (g: number, i: number) => {
      if (differs[g] >= 0) return;
      for (const c of observed) {
        const t = call.outputs[c].type;
        if (!Object.is(keyOf(readers[c](i), t), keyOf(readers[c](winner[g]), t))) {
          differs[g] = c;
          return;
        }
      }
    };
    const measured = call.args[0];
    // Datetimes with a tick vector (no nulls, exact doubles) compare as their doubles.
    const ticks = measured.kind === 'column' ? frame.ticks?.(measured.index) : undefined;
    if (ticks) {
      const top = new Float64Array(count);
      for (let k = 0; k < visited; k++) {
        const i = row(k);
        const g = ids[k];
        const x = sign * ticks[i];
        if (winner[g] < 0 || x > top[g]) {
          top[g] = x;
          winner[g] = i;
          differs[g] = -1;
        } else if (x === top[g]) tie(g, i);
      }
    }
    for (let k = 0; !ticks && k < visited; k++) {
      const i = row(k);
      const g = ids[k];
      if (first[g] < 0) first[g] = i;
      const v = value(i);
      if (v === null) continue;
      refuseOpenExtreme(v, winner[g] < 0 ? null : best[g], sign, call);
      const order = winner[g] < 0 ? 1 : sign * compareForSort(v, best[g], type);
      if (order > 0) {
        best[g] = v;
        winner[g] = i;
        differs[g] = -1;
      } else if (order === 0) tie(g, i);
    }
    for (let g = 0; g < count; g++) if (differs[g] >= 0) throw tiedRowsDiffer(call, differs[g]);
    for (let g = 0; g < count; g++) if (winner[g] < 0) winner[g] = first[g];
    return call.args.map((arg, c) => {
      const empty = call.outputs[c].type === 'string' ? '' : null;
      const read = readers[c];
      const column = () => {
        const out: Value[] = new Array(count);
        for (let g = 0; g < count; g++) out[g] = winner[g] < 0 ? empty : read(winner[g]);
        return out;
      };
      if (arg.kind === 'column') return column;
      // Other expressions are evaluated now, so an error they raise is not deferred.
      const values = column();
      return () => values;
    });
  };
}

const grouped: Record<string, Grouped> = {
  count,
  countif,
  dcount: distinctCount(false),
  count_distinct: distinctCount(false),
  dcountif: distinctCount(true),
  arg_max: argExtreme(1),
  arg_min: argExtreme(-1),
};

/** The aggregate's output columns computed for all groups, or undefined when it has no grouped form. */
export function groupedAggregate(
  call: AggregateCall,
  args: RowFn[],
  frame: Frame,
  grouping: Grouping,
): (() => Value[])[] | undefined {
  return Object.hasOwn(grouped, call.fn) ? grouped[call.fn](call, args, frame, grouping) : undefined;
}
