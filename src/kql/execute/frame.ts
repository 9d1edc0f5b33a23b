import type { Column } from '../plan/types.js';
import type { KqlType, Value } from '../values/index.js';
import type { DictionaryVector, IngestionTimes } from './columnar.js';
import { gatherTicks } from './tick-vectors.js';

/** Columnar batch: one array of values per column, all of `length`. */
export interface Frame {
  schema: Column[];
  columns: Value[][];
  length: number;
  /**
   * Per column, how to read row i without copying the column: from the table behind a scan, or
   * through the row indices of a selection or a join. Reading a column through it (columnReader)
   * spares copying the whole column when an operator only visits some rows or reads each row once.
   */
  readers?: ((i: number) => Value)[];
  /**
   * Column c's dictionary encoding, when it comes from a columnar table's dictionary column: rows
   * with equal codes hold equal values (as grouping and join keys compare them), so grouping and
   * joins can key on the codes. Kept through filters, sorts and projections of the column.
   */
  dictionary?(c: number): DictionaryVector | undefined;
  /**
   * Column c's datetimes or timespans as exact doubles (tick-vectors.ts), when it comes from a
   * columnar table's column that has them; kept through filters, sorts and projections of the column.
   */
  ticks?(c: number): Float64Array | undefined;
  /**
   * When each row's record was ingested (ticks), for ingestion_time(): set by a scan of a table that
   * records it and kept by the operators that keep records whole (see lower/ingestion.ts).
   */
  ingestion?: IngestionTimes;
}

/** Reads column c row by row: from the column when it is already copied, else through the frame's reader. */
export function columnReader(frame: Frame, c: number): (i: number) => Value {
  if (frame.readers && Object.getOwnPropertyDescriptor(frame.columns, c)?.get) return frame.readers[c];
  const column = frame.columns[c];
  return (i) => column[i];
}

/** The empty value of a type: Kusto strings are never null, they are ''. */
export function emptyValue(type: KqlType): Value {
  return type === 'string' ? '' : null;
}

export function frameFromRows(schema: Column[], rows: Value[][]): Frame {
  const columns = schema.map((_, c) => rows.map((row) => row[c] ?? emptyValue(schema[c].type)));
  return { schema, columns, length: rows.length };
}

export function frameToRows(frame: Frame): Value[][] {
  const columns = frame.schema.map((_, c) => frame.columns[c]);
  const rows: Value[][] = new Array(frame.length);
  for (let i = 0; i < frame.length; i++) rows[i] = columns.map((col) => col[i]);
  return rows;
}

/**
 * Columns computed on first access. Wide tables (SigninLogs has ~70 columns) flow through
 * filters and joins while a query reads a handful of them; only those are ever materialized.
 */
export function lazyColumns<T = Value[]>(count: number, make: (c: number) => T): T[] {
  const columns: T[] = new Array(count);
  for (let c = 0; c < count; c++) {
    Object.defineProperty(columns, c, {
      configurable: true,
      enumerable: true,
      get() {
        const value = make(c);
        Object.defineProperty(columns, c, { value, writable: false, enumerable: true });
        return value;
      },
    });
  }
  return columns;
}

/** The rows at `indices` (in that order); -1 yields an empty value, as for unmatched outer-join rows. */
export function gather(frame: Frame, indices: ArrayLike<number>): Value[][] {
  return lazyColumns(frame.schema.length, (c) => {
    const read = columnReader(frame, c);
    const out: Value[] = new Array(indices.length);
    const empty = emptyValue(frame.schema[c].type);
    for (let i = 0; i < indices.length; i++) {
      const at = indices[i];
      out[i] = at < 0 ? empty : read(at);
    }
    return out;
  });
}

/**
 * Readers of the frame's columns at rows `indices[i]` (-1: the empty value), each made when first
 * asked for, so a column nobody reads is never touched.
 */
export function indirectReaders(frame: Frame, indices: ArrayLike<number>): ((i: number) => Value)[] {
  return lazyColumns(frame.schema.length, (c) => {
    const read = columnReader(frame, c);
    const empty = emptyValue(frame.schema[c].type);
    return (i: number) => {
      const at = indices[i];
      return at < 0 ? empty : read(at);
    };
  });
}

/** The rows at `indices` (each a row of the frame, none -1), in that order. */
export function selectRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const selected: Frame = {
    schema: frame.schema,
    columns: gather(frame, indices),
    readers: indirectReaders(frame, indices),
    length: indices.length,
  };
  const { ingestion } = frame;
  if (ingestion) selected.ingestion = Array.from(indices, (at) => (at < 0 ? null : (ingestion[at] ?? null)));
  const { ticks } = frame;
  if (ticks) {
    const gathered = new Map<number, Float64Array | undefined>();
    selected.ticks = (c) => {
      if (!gathered.has(c)) {
        const vector = ticks(c);
        gathered.set(c, vector && gatherTicks(vector, indices));
      }
      return gathered.get(c);
    };
  }
  const source = frame.dictionary;
  if (source) {
    const cache = new Map<number, DictionaryVector | undefined>();
    selected.dictionary = (c) => {
      if (!cache.has(c)) {
        const d = source(c);
        const codes = d && new Int32Array(indices.length);
        if (d && codes) for (let i = 0; i < indices.length; i++) codes[i] = d.codes[indices[i]];
        cache.set(c, d && codes && { kind: 'dictionary', codes, dictionary: d.dictionary });
      }
      return cache.get(c);
    };
  }
  return selected;
}

export function emptyFrame(schema: Column[]): Frame {
  return { schema, columns: schema.map(() => []), length: 0 };
}
