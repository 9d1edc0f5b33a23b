import { UnsupportedError } from '../plan/errors.js';
import type { Column, Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { type Frame, frameToRows } from './frame.js';

const PAGE = 'https://learn.microsoft.com/kusto/query/pivot-plugin';

/**
 * pivot over its aggregate (group columns, pivot value, aggregate value per group and value): one
 * row per group in the aggregate's order, one column per distinct value, sorted by name (the order
 * is not documented; runtime-schema.ts checks the answer does not depend on it).
 */
export function executePivot(plan: Extract<Plan, { op: 'pivot' }>, input: Frame): Frame {
  const width = plan.groupWidth;
  const rows = frameToRows(input);
  const names = new Set<string>();
  for (const row of rows) {
    const value = row[width];
    if (typeof value !== 'string' || value === '')
      throw new UnsupportedError(
        'pivot',
        plan.span,
        `pivot: the column name an empty pivot value gives is not documented (${PAGE})`,
      );
    if (plan.schema.some((c) => c.name === value))
      throw new UnsupportedError(
        'pivot',
        plan.span,
        `pivot: the value '${value}' is also a group column's name`,
      );
    names.add(value);
  }
  const columns = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = new Map(columns.map((n, i) => [n, width + i]));
  const type = input.schema[width + 1].type;
  const groups = new Map<string, Value[]>();
  const out: Value[][] = [];
  for (const row of rows) {
    const key = JSON.stringify(row.slice(0, width), (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    let target = groups.get(key);
    if (!target) {
      target = [...row.slice(0, width), ...columns.map(() => undefined as unknown as Value)];
      groups.set(key, target);
      out.push(target);
    }
    target[at.get(row[width] as string) as number] = row[width + 1];
  }
  for (const row of out) {
    for (let c = width; c < row.length; c++) {
      if (row[c] !== undefined) continue;
      if (plan.fill === 'refuse')
        throw new UnsupportedError(
          'pivot',
          plan.span,
          `pivot: what a group without rows for '${columns[c - width]}' holds under this aggregate is not settled by ${PAGE}; refusing rather than guessing`,
        );
      row[c] = 0;
    }
  }
  const schema: Column[] = [...plan.schema, ...columns.map((name) => ({ name, type }))];
  return { schema, columns: schema.map((_, c) => out.map((r) => r[c])), length: out.length };
}
