import {
  type Column,
  type ColumnarTable,
  type IngestionTimes,
  selectTableRows,
  sliceColumnar,
  sliceIngestion,
  type Table,
  vectorReader,
} from '../../kql/index.js';
import type { RunSettings } from './settings.js';
import type { UndocumentedSemantics } from './undocumented.js';

/** A table as the engine takes it: row arrays, or columns (see kql/execute/columnar.ts). */
export type WindowTable = Table | ColumnarTable;

/**
 * A table prepared for many rule runs: rows sorted by TimeGenerated (and, lazily, by ingestion
 * time for NRT) so that each run takes its window with two binary searches instead of a scan.
 * A columnar table stays columnar: a window is then a view on each column (backtests hold
 * millions of rows this way); row arrays stay row arrays (rule tests, the local SOC's workspace).
 */
export interface IndexedTable {
  columns: Column[];
  /** The rows sorted by `times`, without ingestion times (those are `ingested`). */
  data: WindowTable;
  /** Number of rows. */
  length: number;
  /**
   * TimeGenerated of each row, ascending (for a columnar table, the sorted column's own ticks).
   * Undefined when the table has no TimeGenerated column.
   */
  times?: BigInt64Array;
  /**
   * Ingestion time of each row (defaults to TimeGenerated, then it is `times` itself); typed when
   * the table has TimeGenerated, so that a window's ingestion times are a view, not a copy.
   */
  ingested: IngestionTimes;
  /** True when some row's ingestion time differs from its TimeGenerated. */
  delayed: boolean;
  byIngestion?: { order: number[]; times: BigInt64Array };
}

export interface QueryWindow {
  start: bigint;
  end: bigint;
  /** The closed end: 'start' is [start, end), 'end' is (start, end] (see undocumented.ts). */
  closedEnd: UndocumentedSemantics['closedEnd'];
  /** Rows ingested after this instant are not yet in the workspace when the query executes. */
  visibleAt: bigint;
}

const TIME_COLUMN = 'TimeGenerated';

/**
 * Indexes a table by TimeGenerated. Rows whose TimeGenerated is null fall in no window (the
 * service's time filter never matches them) and are dropped. `ingestion[i]` overrides the
 * ingestion time of input row i; by default a row is ingested at its TimeGenerated.
 */
export function indexTable(
  table: WindowTable,
  ingestion?: readonly (bigint | null | undefined)[],
): IndexedTable {
  const { columns } = table;
  const length = rowCount(table);
  const data = withoutIngestion(table);
  const timeIndex = columns.findIndex((c) => c.name === TIME_COLUMN && c.type === 'datetime');
  if (timeIndex < 0) {
    const ingested = Array.from({ length }, (_, i) => ingestion?.[i] ?? null);
    return { columns, data, length, ingested, delayed: false };
  }
  const time = timeReader(table, timeIndex);
  const order = orderBy(length, time);
  const sorted = isIdentity(order, length) ? data : select(data, order);
  // The sorted column's own ticks when it holds them (columns; no null is left once sorted): the
  // windows' binary searches and ingestion times share it rather than holding TimeGenerated twice.
  const vector = 'vectors' in sorted ? sorted.vectors[timeIndex] : undefined;
  const times = vector?.kind === 'ticks' ? vector.ticks : BigInt64Array.from(order, (i) => time(i) as bigint);
  const overridden = ingestion?.some((at) => at !== undefined && at !== null) ?? false;
  const ingested = overridden ? BigInt64Array.from(order, (i, k) => ingestion?.[i] ?? times[k]) : times;
  return {
    columns,
    data: sorted,
    length: order.length,
    times,
    ingested,
    delayed: overridden && ingested.some((at, k) => at !== times[k]),
  };
}

function rowCount(table: WindowTable): number {
  return 'vectors' in table ? table.length : table.rows.length;
}

/** The table without its ingestion times, which the index keeps in its own order. */
function withoutIngestion(table: WindowTable): WindowTable {
  if (!table.ingestion) return table;
  const { ingestion: _, ...rest } = table;
  return rest;
}

function timeReader(table: WindowTable, timeIndex: number): (i: number) => bigint | null {
  if ('vectors' in table) {
    const read = vectorReader(table.vectors[timeIndex], 'datetime');
    return (i) => read(i) as bigint | null;
  }
  const { rows } = table;
  return (i) => rows[i][timeIndex] as bigint | null;
}

function isIdentity(order: readonly number[], length: number): boolean {
  return order.length === length && order.every((i, k) => i === k);
}

/** Rows [from, to) of `data` with the given ingestion times. */
function slice(data: WindowTable, from: number, to: number, ingestion: IngestionTimes): WindowTable {
  if ('vectors' in data) return { ...sliceColumnar(data, from, to), ingestion };
  return { columns: data.columns, rows: data.rows.slice(from, to), ingestion };
}

/** The rows of `data` at `indices`, with the given ingestion times. */
function select(data: WindowTable, indices: readonly number[], ingestion?: IngestionTimes): WindowTable {
  const selected = selectTableRows(data, indices);
  if (ingestion) selected.ingestion = ingestion;
  return selected;
}

/**
 * The window a run at scheduled time `at` queries.
 *
 * Scheduled rules: TimeGenerated in [at − queryPeriod, at). The lookback ends at the scheduled time
 * and the query executes five minutes later, so rows ingested up to `at + 5m` are visible; a row
 * ingested later is missed by this run and, being older than the next run's window start when
 * queryFrequency = queryPeriod, by every run — the gap the ingestion-delay article describes.
 * https://learn.microsoft.com/en-us/azure/sentinel/ingestion-delay
 * The service does not document whether the window ends are inclusive; the window is half-open so
 * that runs with queryFrequency = queryPeriod partition time and a backtest never counts an event
 * twice, closed at the start by default and at the end as `test`'s alternative (undocumented.ts).
 *
 * NRT rules query on ingestion time instead of TimeGenerated: each minute's run sees the rows
 * ingested in [at − 1m, at), whatever their TimeGenerated.
 * https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#how-do-they-work
 */
export function queryWindow(
  settings: RunSettings,
  at: bigint,
  closedEnd: QueryWindow['closedEnd'] = 'start',
): QueryWindow {
  return { start: at - settings.period, end: at, closedEnd, visibleAt: at + settings.executionDelay };
}

/** The rows of `table` a run of the given kind sees in `window`. */
export function sliceTable(table: IndexedTable, kind: RunSettings['kind'], window: QueryWindow): WindowTable {
  if (kind === 'NRT') return sliceByIngestion(table, window);
  if (!table.times) return slice(table.data, 0, table.length, table.ingested);
  const [from, to] = bounds(table.times, window);
  if (!table.delayed) return slice(table.data, from, to, sliceIngestion(table.ingested, from, to));
  const visible: number[] = [];
  for (let i = from; i < to; i++) {
    const ingested = table.ingested[i];
    if (ingested === null || ingested <= window.visibleAt) visible.push(i);
  }
  return select(
    table.data,
    visible,
    visible.map((i) => table.ingested[i]),
  );
}

function sliceByIngestion(table: IndexedTable, window: QueryWindow): WindowTable {
  if (!table.byIngestion) {
    const order = orderBy(table.length, (i) => table.ingested[i]);
    table.byIngestion = { order, times: BigInt64Array.from(order, (i) => table.ingested[i] as bigint) };
  }
  const { order, times } = table.byIngestion;
  const [from, to] = bounds(times, window);
  const selected = order.slice(from, to);
  return select(
    table.data,
    selected,
    selected.map((i) => table.ingested[i]),
  );
}

/** Indices 0..count−1 whose key is not null, by ascending key; equal keys keep their order. */
function orderBy(count: number, key: (index: number) => bigint | null): number[] {
  const order = Array.from({ length: count }, (_, i) => i).filter((i) => key(i) !== null);
  return order.sort((a, b) => {
    const ka = key(a) as bigint;
    const kb = key(b) as bigint;
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  });
}

/** The index range of ascending `values` inside the window, honouring its closed end. */
function bounds(values: BigInt64Array, window: QueryWindow): [number, number] {
  // [start, end): first >= start to first >= end; (start, end]: first > start to first > end.
  const strictlyAbove = window.closedEnd === 'end';
  return [firstIndex(values, window.start, strictlyAbove), firstIndex(values, window.end, strictlyAbove)];
}

/** First index whose value is >= target (> target when `strictlyAbove`). */
function firstIndex(values: BigInt64Array, target: bigint, strictlyAbove: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < target || (strictlyAbove && values[mid] === target)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows of a window table as row arrays (a columnar table read row by row), with its ingestion times. */
export function rowTable(table: WindowTable): Table {
  if (!('vectors' in table)) return table;
  const readers = table.vectors.map((v, c) => vectorReader(v, table.columns[c].type));
  const rows = Array.from({ length: table.length }, (_, i) => readers.map((read) => read(i)));
  return table.ingestion
    ? { columns: table.columns, rows, ingestion: table.ingestion }
    : { columns: table.columns, rows };
}
