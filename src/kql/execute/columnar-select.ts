import type { Table } from '../index.js';
import { type ColumnarTable, sliceIngestion, type Vector } from './columnar.js';

/**
 * Rows [from, to) of a columnar table. Codes and numbers are views on the table's typed arrays and
 * dictionaries are shared (the engine never mutates a table it reads), so a backtest run's window
 * costs no copy of a column, whatever the width of the table.
 */
export function sliceColumnar(table: ColumnarTable, from: number, to: number): ColumnarTable {
  const slice = (vector: Vector): Vector => {
    switch (vector.kind) {
      case 'dictionary':
        return { kind: 'dictionary', codes: vector.codes.subarray(from, to), dictionary: vector.dictionary };
      case 'numbers':
        return {
          kind: 'numbers',
          numbers: vector.numbers.subarray(from, to),
          nulls: vector.nulls?.subarray(from, to),
        };
      case 'ticks':
        return {
          kind: 'ticks',
          ticks: vector.ticks.subarray(from, to),
          nulls: vector.nulls?.subarray(from, to),
        };
      case 'values':
        return { kind: 'values', values: vector.values.slice(from, to) };
    }
  };
  const sliced: ColumnarTable = {
    columns: table.columns,
    length: to - from,
    vectors: table.vectors.map(slice),
  };
  if (table.ingestion) sliced.ingestion = sliceIngestion(table.ingestion, from, to);
  return sliced;
}

/** The rows of a columnar table at `indices`, in that order. */
export function selectColumnar(table: ColumnarTable, indices: ArrayLike<number>): ColumnarTable {
  const n = indices.length;
  const selectFlags = (source: Uint8Array) => {
    const flags = new Uint8Array(n);
    for (let k = 0; k < n; k++) flags[k] = source[indices[k]];
    return flags;
  };
  const select = (vector: Vector): Vector => {
    switch (vector.kind) {
      case 'dictionary': {
        const codes = new Int32Array(n);
        for (let k = 0; k < n; k++) codes[k] = vector.codes[indices[k]];
        return { kind: 'dictionary', codes, dictionary: vector.dictionary };
      }
      case 'numbers': {
        const numbers = new Float64Array(n);
        for (let k = 0; k < n; k++) numbers[k] = vector.numbers[indices[k]];
        return { kind: 'numbers', numbers, nulls: vector.nulls && selectFlags(vector.nulls) };
      }
      case 'ticks': {
        const ticks = new BigInt64Array(n);
        for (let k = 0; k < n; k++) ticks[k] = vector.ticks[indices[k]];
        return { kind: 'ticks', ticks, nulls: vector.nulls && selectFlags(vector.nulls) };
      }
      case 'values':
        return { kind: 'values', values: Array.from(indices, (i) => vector.values[i]) };
    }
  };
  const selected: ColumnarTable = { columns: table.columns, length: n, vectors: table.vectors.map(select) };
  const { ingestion } = table;
  if (ingestion) selected.ingestion = Array.from(indices, (i) => ingestion[i]);
  return selected;
}

/** The rows of a table, as row arrays or as columns, at `indices`, in that order, with their ingestion times. */
export function selectTableRows(
  table: Table | ColumnarTable,
  indices: ArrayLike<number>,
): Table | ColumnarTable {
  if ('vectors' in table) return selectColumnar(table, indices);
  const selected: Table = { columns: table.columns, rows: Array.from(indices, (i) => table.rows[i]) };
  const { ingestion } = table;
  if (ingestion) selected.ingestion = Array.from(indices, (i) => ingestion[i]);
  return selected;
}
