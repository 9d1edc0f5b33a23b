import type { ColumnSchema } from '../../kql/catalog.js';

/**
 * A record as Log Analytics stores it in a table, after the DCR's transform: columns the table does
 * not declare are dropped, and a value that does not fit its column's type is stored as null. The
 * documented rule is Azure Data Explorer's, the store under Log Analytics ("Ingestion behavior of
 * invalid data", learn.microsoft.com/azure/data-explorer/ingest-invalid-data: "Value not matching
 * the table schema data type. For example: floating point value ingested into an int column: NULL
 * value filled"; "Mapped fields are missing from the data: NULL value filled"). Unparsable values of
 * the other types already become null in the engine's conversion (`coerce`); what it would accept
 * but Azure does not is a fractional number in an int or long column, which it truncates.
 */
export function toTableRecord(
  record: Record<string, unknown>,
  columns: readonly ColumnSchema[],
): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const { name, type } of columns) {
    if (!Object.hasOwn(record, name)) continue;
    const value = record[name];
    stored[name] = (type === 'int' || type === 'long') && isFractional(value) ? null : value;
  }
  return stored;
}

function isFractional(value: unknown): boolean {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) && !Number.isInteger(n);
}
