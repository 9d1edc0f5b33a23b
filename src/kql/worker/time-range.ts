import { type ColumnarTable, vectorReader } from '../execute/columnar.js';
import { selectTableRows } from '../execute/columnar-select.js';
import type { Table } from '../index.js';

/** A query's time range in ticks, as the Logs Query API's `timespan` gives it. */
export interface TimeRange {
  start: bigint;
  end: bigint;
}

/** Raised when a table cannot be cut to the range without guessing; the query's fault, never a 500. */
export class TimeRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeRangeError';
  }
}

/**
 * The rows of `table` whose TimeGenerated lies in `range`: the Logs Query API applies its timespan "in
 * addition to any that are specified in the query expression" to the data the query reads
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format, QueryBody.timespan).
 * Which ends of the range are inclusive is not documented, so a row exactly on either end is refused
 * rather than kept or dropped by a guess; a row without TimeGenerated, which Azure never stores, is
 * refused too. An empty table passes whatever its columns.
 */
export function restrictToTimeRange(
  table: Table | ColumnarTable,
  range: TimeRange,
  name: string,
): Table | ColumnarTable {
  const length = 'rows' in table ? table.rows.length : table.length;
  if (length === 0) return table;
  const column = table.columns.findIndex((c) => c.name === 'TimeGenerated' && c.type === 'datetime');
  if (column < 0) {
    throw new TimeRangeError(
      `table ${name} has no datetime TimeGenerated column, so the request's timespan cannot be applied to it`,
    );
  }
  const read =
    'rows' in table ? (i: number) => table.rows[i][column] : vectorReader(table.vectors[column], 'datetime');
  const kept: number[] = [];
  for (let i = 0; i < length; i++) {
    const time = read(i);
    if (typeof time !== 'bigint') {
      throw new TimeRangeError(
        `a row of ${name} has no TimeGenerated, so the request's timespan cannot be applied`,
      );
    }
    if (time === range.start || time === range.end) {
      throw new TimeRangeError(
        `a row of ${name} has TimeGenerated exactly at the ${time === range.start ? 'start' : 'end'} of the ` +
          "request's timespan; the Logs Query API does not document whether the ends are inclusive, so the " +
          'answer would be a guess: move the timespan or the row',
      );
    }
    if (time > range.start && time < range.end) kept.push(i);
  }
  return kept.length === length ? table : selectTableRows(table, kept);
}
