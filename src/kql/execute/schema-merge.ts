// The schema_merge plugin (lower/plugins.ts lowerSchemaMerge says what is run and why).
import { UnsupportedError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { type Frame, frameFromRows, frameToRows } from './frame.js';

type SchemaMerge = Extract<Plan, { op: 'schema-merge' }>;

export function executeSchemaMerge(plan: SchemaMerge, input: Frame): Frame {
  const refuse = (why: string) =>
    new UnsupportedError('evaluate schema_merge', plan.span, `evaluate schema_merge: ${why}`);
  const [nameAt, ordinalAt, dataTypeAt, typeAt] = plan.columns;
  const merged: Value[][] = [];
  const byName = new Map<string, Value[]>();
  for (const row of frameToRows(input)) {
    const name = row[nameAt];
    if (typeof name !== 'string') throw refuse('a row without a column name');
    let column = byName.get(name);
    if (!column) {
      column = [name, merged.length, row[dataTypeAt], row[typeAt]];
      byName.set(name, column);
      merged.push(column);
    }
    if (Number(row[ordinalAt]) !== column[1])
      throw refuse(
        `column '${name}' at ordinal ${row[ordinalAt]} where the merged schema has it at ${column[1]} (how columns out of order merge is not documented beyond the page's examples)`,
      );
    if (row[typeAt] !== column[3] || row[dataTypeAt] !== column[2])
      throw refuse(`column '${name}' of two types (the common type chosen is not documented)`);
  }
  return frameFromRows(plan.schema, merged);
}
