import type { Table } from '../../kql/index.js';
import { valueToString } from '../../kql/values/index.js';

/** `text(column, row)`: the cell as Kusto's tostring() prints it; undefined when the column is absent. */
export type CellText = (column: string, row: number | undefined) => string | undefined;

export function cellText(result: Table): CellText {
  const index = new Map(result.columns.map((c, i) => [c.name, i]));
  return (column, row) => {
    const i = index.get(column);
    if (i === undefined || row === undefined) return undefined;
    return valueToString(result.rows[row][i], result.columns[i].type);
  };
}
