import type { Column, Table } from '../../kql/index.js';
import { formatDateTime, formatTimespan, type KqlType, type Value } from '../../kql/values/index.js';
import { stringLiteral } from '../kqlLiteral.js';

/** `Name` or `['Name']` when the name is not a plain identifier. */
export function nameLiteral(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? name
    : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/**
 * A typed literal for one value, always with its type (`long(5)`, `datetime(null)`) so that
 * datatable() never has to infer or convert.
 */
export function valueLiteral(value: Value, type: KqlType): string {
  if (type === 'string') return stringLiteral(value as string);
  if (value === null) return `${type}(null)`;
  switch (type) {
    case 'bool':
      return `bool(${value})`;
    case 'int':
    case 'long':
      return `${type}(${value})`;
    case 'real':
    case 'decimal': {
      const n = value as number;
      const text = Number.isNaN(n) ? 'nan' : n === Infinity ? '+inf' : n === -Infinity ? '-inf' : String(n);
      return `${type}(${text})`;
    }
    case 'datetime':
      return `datetime(${formatDateTime(value as bigint)})`;
    case 'timespan':
      return `timespan(${formatTimespan(value as bigint)})`;
    case 'guid':
      return `guid(${value})`;
    case 'dynamic':
      // Dynamic literals take JSON; JSON.stringify escapes every control character.
      return `dynamic(${JSON.stringify(value)})`;
  }
}

/** `datatable(A:string, B:long) [ "x", long(1), ... ]`: the table's rows inline in the query. */
export function datatableExpression(table: Table): string {
  const schema = table.columns.map((c: Column) => `${nameLiteral(c.name)}:${c.type}`).join(', ');
  const cells = table.rows.map((row) => row.map((v, i) => valueLiteral(v, table.columns[i].type)).join(', '));
  return `datatable(${schema}) [${cells.length > 0 ? `\n  ${cells.join(',\n  ')}\n` : ''}]`;
}

/** `let Name = datatable(...)[...];` — shadows the workspace table of that name for the query after it. */
export function datatableLet(name: string, table: Table): string {
  return `let ${nameLiteral(name)} = ${datatableExpression(table)};`;
}
