import type { Column, Table } from '../../kql/index.js';
import type { Value } from '../../kql/values/index.js';
import type { RunSettings } from './settings.js';
import type { UndocumentedSemantics } from './undocumented.js';

/**
 * A table prepared for many rule runs: rows sorted by TimeGenerated (and, lazily, by ingestion
 * time for NRT) so that each run takes its window with two binary searches instead of a scan.
 */
export interface IndexedTable {
  columns: Column[];
  /** Rows sorted by `times`. */
  rows: Value[][];
  /** TimeGenerated of each row, ascending. Undefined when the table has no TimeGenerated column. */
  times?: bigint[];
  /** Ingestion time of each row (defaults to TimeGenerated). */
  ingested: (bigint | null)[];
  /** True when some row's ingestion time differs from its TimeGenerated. */
  delayed: boolean;
  byIngestion?: { order: number[]; times: bigint[] };
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
export function indexTable(table: Table, ingestion?: readonly (bigint | null | undefined)[]): IndexedTable {
  const timeIndex = table.columns.findIndex((c) => c.name === TIME_COLUMN && c.type === 'datetime');
  const ingestedAt = (i: number): bigint | null =>
    ingestion?.[i] ?? (timeIndex < 0 ? null : (table.rows[i][timeIndex] as bigint | null));
  if (timeIndex < 0) {
    return {
      columns: table.columns,
      rows: table.rows,
      ingested: table.rows.map((_, i) => ingestedAt(i)),
      delayed: false,
    };
  }
  const time = (i: number) => table.rows[i][timeIndex] as bigint;
  const order = orderBy(table.rows.length, (i) => table.rows[i][timeIndex] as bigint | null);
  const ingested = order.map(ingestedAt);
  return {
    columns: table.columns,
    rows: order.map((i) => table.rows[i]),
    times: order.map(time),
    ingested,
    delayed: order.some((row, k) => ingested[k] !== time(row)),
  };
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
export function sliceTable(table: IndexedTable, kind: RunSettings['kind'], window: QueryWindow): Table {
  if (kind === 'NRT') return sliceByIngestion(table, window);
  const { columns } = table;
  if (!table.times) return { columns, rows: table.rows, ingestion: table.ingested };
  const [from, to] = bounds(table.times, window);
  if (!table.delayed) {
    return { columns, rows: table.rows.slice(from, to), ingestion: table.ingested.slice(from, to) };
  }
  const rows: Value[][] = [];
  const ingestion: (bigint | null)[] = [];
  for (let i = from; i < to; i++) {
    const ingested = table.ingested[i];
    if (ingested === null || ingested <= window.visibleAt) {
      rows.push(table.rows[i]);
      ingestion.push(ingested);
    }
  }
  return { columns, rows, ingestion };
}

function sliceByIngestion(table: IndexedTable, window: QueryWindow): Table {
  if (!table.byIngestion) {
    const order = orderBy(table.rows.length, (i) => table.ingested[i]);
    table.byIngestion = { order, times: order.map((i) => table.ingested[i] as bigint) };
  }
  const { order, times } = table.byIngestion;
  const [from, to] = bounds(times, window);
  const selected = order.slice(from, to);
  return {
    columns: table.columns,
    rows: selected.map((i) => table.rows[i]),
    ingestion: selected.map((i) => table.ingested[i]),
  };
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
function bounds(values: readonly bigint[], window: QueryWindow): [number, number] {
  // [start, end): first >= start to first >= end; (start, end]: first > start to first > end.
  const strictlyAbove = window.closedEnd === 'end';
  return [firstIndex(values, window.start, strictlyAbove), firstIndex(values, window.end, strictlyAbove)];
}

/** First index whose value is >= target (> target when `strictlyAbove`). */
function firstIndex(values: readonly bigint[], target: bigint, strictlyAbove: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < target || (strictlyAbove && values[mid] === target)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
