import type { Column } from '../plan/types.js';
import { dynamicIdentity, type Json, type KqlType, type Value } from '../values/index.js';

/**
 * One column of a columnar table. Strings, guids and dynamic values are dictionary-encoded (a code
 * per row into the distinct values, -1 for a null dynamic); bool and numbers sit in a Float64Array
 * with a null flag per row only once a null was seen; datetimes and timespans sit in a
 * BigInt64Array of ticks the same way (a column holding a value that is not a 64-bit tick count
 * keeps its values). Values are shared by the rows with equal codes: the engine never mutates a
 * value it reads.
 */
export type Vector =
  | DictionaryVector
  | { kind: 'numbers'; numbers: Float64Array; nulls?: Uint8Array }
  | TicksVector
  | { kind: 'values'; values: Value[] };

/**
 * Datetimes or timespans as 64-bit ticks: 8 bytes a row where a bigint per cell costs ~32 and is
 * an object the collector visits on every full collection (millions of them in a log table).
 * A null row holds 0 and is flagged in `nulls`, present only once a null was seen.
 */
export interface TicksVector {
  kind: 'ticks';
  ticks: BigInt64Array;
  nulls?: Uint8Array;
}

/**
 * Each row's ingestion time (ticks; null: unknown), an array or a BigInt64Array: a backtest holds
 * millions of them, typed (8 bytes a row) and sliced per window as views rather than copies.
 */
export type IngestionTimes = ArrayLike<bigint | null>;

/** The ingestion times of rows [from, to): a view of a typed array, a copy of a plain one. */
export function sliceIngestion(ingestion: IngestionTimes, from: number, to: number): IngestionTimes {
  return ingestion instanceof BigInt64Array
    ? ingestion.subarray(from, to)
    : Array.prototype.slice.call(ingestion, from, to);
}

/** Distinct values, each once, and each row's index into them (-1: null). */
export interface DictionaryVector {
  kind: 'dictionary';
  codes: Int32Array;
  dictionary: Value[];
}

/**
 * A table held column by column: about a fifth of the memory of row arrays for log tables, whose
 * strings repeat (users, addresses, apps, result codes) and whose columns are mostly empty.
 */
export interface ColumnarTable {
  columns: Column[];
  length: number;
  vectors: Vector[];
  /** When each row was ingested (ticks), as Table.ingestion: what ingestion_time() reads. */
  ingestion?: IngestionTimes;
}

/** Reads row i of a vector (the empty value of `type` for a null code). */
export function vectorReader(vector: Vector, type: KqlType): (i: number) => Value {
  switch (vector.kind) {
    case 'dictionary': {
      const { codes, dictionary } = vector;
      const empty = type === 'string' ? '' : null;
      return (i) => {
        const code = codes[i];
        return code < 0 ? empty : dictionary[code];
      };
    }
    case 'numbers': {
      const { numbers, nulls } = vector;
      if (type === 'bool')
        return nulls ? (i) => (nulls[i] ? null : numbers[i] !== 0) : (i) => numbers[i] !== 0;
      return nulls ? (i) => (nulls[i] ? null : numbers[i]) : (i) => numbers[i];
    }
    case 'ticks': {
      const { ticks, nulls } = vector;
      return nulls ? (i) => (nulls[i] ? null : ticks[i]) : (i) => ticks[i];
    }
    case 'values': {
      const { values } = vector;
      return (i) => values[i];
    }
  }
}

const INITIAL_CAPACITY = 1024;

/** `array`, or a copy with room for index `at`. */
function grow<T extends Int32Array | Float64Array | Uint8Array | BigInt64Array>(array: T, at: number): T {
  if (at < array.length) return array;
  let size = Math.max(array.length * 2, INITIAL_CAPACITY);
  while (size <= at) size *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(size);
  // Same kind of array on both sides (the union's set() would demand numbers and bigints at once).
  (bigger as { set(from: T): void }).set(array);
  return bigger;
}

/** Builds one vector from appended engine values of one type. */
export interface VectorBuilder {
  append(value: Value): void;
  finish(length: number): Vector;
}

function dictionaryBuilder(type: KqlType): VectorBuilder {
  let codes = new Int32Array(INITIAL_CAPACITY);
  const dictionary: Value[] = [];
  const ids = new Map<unknown, number>();
  let n = 0;
  return {
    append(given) {
      codes = grow(codes, n);
      // Code -1 reads as the empty value; a string's is '', which must share the code of ''.
      const value = given === null && type === 'string' ? '' : given;
      if (value === null) {
        codes[n++] = -1;
        return;
      }
      // Dynamic values are equal when their JSON is (a dynamic string by its JSON too, so that the
      // string '{}' and the object {} differ); strings and guids by value.
      const key =
        type === 'dynamic' && (typeof value === 'object' || typeof value === 'string')
          ? dynamicIdentity(value as Json)
          : value;
      let code = ids.get(key);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(value);
        ids.set(key, code);
      }
      codes[n++] = code;
    },
    finish: (length) => ({ kind: 'dictionary', codes: codes.slice(0, length), dictionary }),
  };
}

function numberBuilder(): VectorBuilder {
  let numbers = new Float64Array(INITIAL_CAPACITY);
  let nulls: Uint8Array | undefined;
  let n = 0;
  return {
    append(value) {
      numbers = grow(numbers, n);
      if (value === null) {
        nulls = grow(nulls ?? new Uint8Array(INITIAL_CAPACITY), n);
        nulls[n] = 1;
      } else if (typeof value === 'number' || typeof value === 'boolean') {
        numbers[n] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
      } else {
        throw new TypeError(`a ${typeof value} is not an engine value of a bool or number column`);
      }
      n++;
    },
    finish: (length) => {
      const flags = nulls && new Uint8Array(length);
      if (flags && nulls) flags.set(nulls.subarray(0, Math.min(nulls.length, length)));
      return { kind: 'numbers', numbers: numbers.slice(0, length), nulls: flags };
    },
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Ticks in a BigInt64Array, nulls flagged as numberBuilder does; at the first value that is not a
 * bigint within 64 bits (never a datetime or timespan of the engine, but a builder takes what it is
 * given) the column falls back to keeping its values.
 */
function ticksBuilder(): VectorBuilder {
  let ticks = new BigInt64Array(INITIAL_CAPACITY);
  let nulls: Uint8Array | undefined;
  let values: Value[] | undefined;
  let n = 0;
  return {
    append(value) {
      if (values) {
        values.push(value);
        return;
      }
      if (value !== null && (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX)) {
        values = [];
        for (let i = 0; i < n; i++) values.push(nulls?.[i] ? null : ticks[i]);
        values.push(value);
        return;
      }
      ticks = grow(ticks, n);
      if (value === null) {
        nulls = grow(nulls ?? new Uint8Array(INITIAL_CAPACITY), n);
        nulls[n] = 1;
      } else {
        ticks[n] = value;
      }
      n++;
    },
    finish: (length) => {
      if (values) return { kind: 'values', values };
      const flags = nulls && new Uint8Array(length);
      if (flags && nulls) flags.set(nulls.subarray(0, Math.min(nulls.length, length)));
      return { kind: 'ticks', ticks: ticks.slice(0, length), nulls: flags };
    },
  };
}

function valuesBuilder(): VectorBuilder {
  const values: Value[] = [];
  return {
    append(value) {
      values.push(value);
    },
    finish: () => ({ kind: 'values', values }),
  };
}

/** A builder of the vector that holds values of `type`. */
export function vectorBuilder(type: KqlType): VectorBuilder {
  switch (type) {
    case 'string':
    case 'guid':
    case 'dynamic':
      return dictionaryBuilder(type);
    case 'bool':
    case 'int':
    case 'long':
    case 'real':
    case 'decimal':
      return numberBuilder();
    case 'datetime':
    case 'timespan':
      return ticksBuilder();
    default:
      return valuesBuilder();
  }
}

/**
 * Appends rows of engine values (see src/kql/values) one at a time, so a loader can stream records
 * into columns without holding row arrays. A missing cell is the column's empty value.
 */
export class ColumnarTableBuilder {
  private readonly builders: VectorBuilder[];
  private length = 0;

  constructor(private readonly columns: Column[]) {
    this.builders = columns.map((c) => vectorBuilder(c.type));
  }

  append(row: readonly Value[]): void {
    for (let c = 0; c < this.builders.length; c++) {
      const v = row[c];
      this.builders[c].append(v === undefined ? (this.columns[c].type === 'string' ? '' : null) : v);
    }
    this.length++;
  }

  build(): ColumnarTable {
    return {
      columns: this.columns,
      length: this.length,
      vectors: this.builders.map((b) => b.finish(this.length)),
    };
  }
}

/** A columnar copy of row arrays. */
export function columnarTable(columns: Column[], rows: Iterable<readonly Value[]>): ColumnarTable {
  const builder = new ColumnarTableBuilder(columns);
  for (const row of rows) builder.append(row);
  return builder.build();
}
