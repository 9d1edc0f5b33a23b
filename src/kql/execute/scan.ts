// The scan operator's matching logic, as its page states it step by step
// (https://learn.microsoft.com/kusto/query/scan-operator#scan-logic): each record is checked against
// the steps from last to first; Check 1 promotes the previous step's state into this step's, Check 2
// extends this step's active sequence (or starts one at the first step).
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { columnReader, emptyValue, type Frame } from './frame.js';
import { compilePredicate, compileScalar, type Env } from './scalar.js';

const isTrue = (v: Value) => v === true;

interface Sequence {
  /** Per step, the record that matched it (input columns then declared ones), or undefined. */
  records: (Value[] | undefined)[];
  matchId: number;
}

export function executeScan(plan: Extract<Plan, { op: 'scan-steps' }>, input: Frame, env: Env): Frame {
  const width = input.schema.length;
  const steps = plan.steps.length;
  const record = width + plan.declared.length;
  // One row the steps' expressions read: the record's input columns, then each step's state record.
  const cells: Value[][] = Array.from({ length: width + steps * record }, () => [null]);
  const frame: Frame = { schema: [], columns: cells, length: 1 };
  const compiled = plan.steps.map((step) => ({
    condition: compilePredicate(step.condition, frame, env),
    assignments: step.assignments.map((a) => ({
      column: a.column,
      value: compileScalar(a.expr, frame, env),
    })),
  }));
  const readers = input.schema.map((_, c) => columnReader(input, c));
  const emptyRecord: Value[] = [
    ...input.schema.map((c) => emptyValue(c.type)),
    ...plan.declared.map((d) => d.default),
  ];
  const load = (i: number, state: Sequence | undefined) => {
    for (let c = 0; c < width; c++) cells[c][0] = readers[c](i);
    for (let j = 0; j < steps; j++) {
      const values = state?.records[j] ?? emptyRecord;
      for (let c = 0; c < record; c++) cells[width + j * record + c][0] = values[c];
    }
  };
  // The record extended by step k's assignments, computed over the state the step matched with.
  const extend = (i: number, k: number): Value[] => {
    const values = [...readers.map((read) => read(i)), ...plan.declared.map((d) => d.default)];
    const computed = compiled[k].assignments.map((a) => [a.column, a.value(0)] as const);
    for (const [column, value] of computed) values[width + column] = value;
    return values;
  };
  const state: (Sequence | undefined)[] = new Array(steps).fill(undefined);
  const rows: Value[][] = [];
  const emit = (k: number, values: Value[], matchId: number) => {
    if (plan.steps[k].output === 'all') rows.push(plan.matchId ? [...values, matchId] : values);
  };
  let lastMatchId = -1;
  for (let i = 0; i < input.length; i++) {
    for (let k = steps - 1; k >= 0; k--) {
      const previous = k > 0 ? state[k - 1] : undefined;
      if (previous) {
        load(i, previous);
        if (isTrue(compiled[k].condition(0))) {
          const values = extend(i, k);
          const records = [...previous.records];
          records[k] = values;
          state[k - 1] = undefined;
          state[k] = { records, matchId: previous.matchId };
          emit(k, values, previous.matchId);
          continue;
        }
      }
      const current = state[k];
      if (!current && k > 0) continue;
      load(i, current);
      if (!isTrue(compiled[k].condition(0))) continue;
      const values = extend(i, k);
      if (current) {
        current.records = [...current.records];
        current.records[k] = values;
      } else {
        lastMatchId++;
        state[0] = { records: [values], matchId: lastMatchId };
      }
      emit(k, values, current?.matchId ?? lastMatchId);
    }
  }
  const columns = plan.schema.map((_, c) => rows.map((row) => row[c]));
  return { schema: plan.schema, columns, length: rows.length };
}
