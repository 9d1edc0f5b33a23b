/**
 * The embedded KQL engine: Kusto.Language parses and binds, `lower` builds the typed plan,
 * `execute` runs it over in-memory tables with Kusto semantics.
 */
import type { Catalog, ColumnSchema } from './catalog.js';
import type { ColumnarTable, IngestionTimes } from './execute/columnar.js';
import { frameToRows } from './execute/frame.js';
import { executePlan } from './execute/index.js';
import { planResolving } from './lower/runtime-schema.js';
import { KqlError, UnsupportedError } from './plan/errors.js';
import type { Column, Plan, Visualization } from './plan/types.js';

import {
  coerce,
  dateToTicks,
  type KqlType,
  toJson,
  type Value,
  UnsupportedError as ValueUnsupported,
} from './values/index.js';

export {
  type ColumnarTable,
  ColumnarTableBuilder,
  columnarTable,
  type IngestionTimes,
  sliceIngestion,
  type Vector,
  type VectorBuilder,
  vectorBuilder,
  vectorReader,
} from './execute/columnar.js';
export { selectColumnar, selectTableRows, sliceColumnar } from './execute/columnar-select.js';
export { KqlError, UnsupportedError } from './plan/errors.js';
export type { Column, Plan, Visualization } from './plan/types.js';
export type { QueryDiagnostic } from './syntax/index.js';
export type { KqlType, Value } from './values/index.js';

export interface Table {
  columns: Column[];
  rows: Value[][];
  /**
   * When each row was ingested (ticks), parallel to rows: what ingestion_time() reads. Absent, as
   * for a table whose IngestionTime policy is off, it reads null.
   */
  ingestion?: IngestionTimes;
  /** The query ended in `render`: how to chart it. */
  visualization?: Visualization;
}

export interface QueryOptions {
  /** Schemas, parsers and watchlists. */
  catalog: Catalog;
  /** Data (row arrays or columns); a table the catalog knows but this does not provide is empty. */
  tables: Map<string, Table | ColumnarTable> | ((name: string) => Table | ColumnarTable | undefined);
  /** Evaluation time in ticks for now()/ago(); defaults to the wall clock. */
  now?: bigint;
  /**
   * What an `externaldata` URL stands for locally: its content (e.g. a fixture file's text), or
   * undefined to refuse the query. The engine never fetches remote storage.
   */
  externalData?: Map<string, string> | ((url: string) => string | undefined);
  /**
   * Whether any table of `tables` holds a row, for a parser known by its columns only (it runs empty
   * only over data with no rows). Derived when `tables` is a Map; absent for a lookup function:
   * not known, so such a parser is refused unless `tables` gives rows under its name.
   */
  anyRows?: () => boolean;
}

function hasRows(table: Table | ColumnarTable): boolean {
  return ('vectors' in table ? table.length : table.rows.length) > 0;
}

/**
 * Parses, binds and lowers a query; throws KqlError on binding errors, UnsupportedError on refused
 * constructs and when the plan's result schema differs from the one Kusto.Language computes.
 */
export function planQuery(query: string, catalog: Catalog): Plan {
  return planResolving(query, catalog, []);
}

export function runQuery(query: string, options: QueryOptions): Table {
  return runPlan(planQuery(query, options.catalog), options);
}

/** Executes a plan from planQuery (e.g. to run one query over several data sets, or to time the stages). */
export function runPlan(plan: Plan, options: QueryOptions): Table {
  const { tables, externalData: external } = options;
  try {
    const frame = executePlan(plan, {
      catalog: options.catalog,
      table: typeof tables === 'function' ? tables : (name) => tables.get(name),
      now: options.now ?? dateToTicks(new Date()),
      externalData: typeof external === 'function' ? external : (url) => external?.get(url),
      anyRows: typeof tables === 'function' ? options.anyRows : () => [...tables.values()].some(hasRows),
    });
    const table = withoutHidden({ columns: frame.schema, rows: frameToRows(frame) }, plan.hidden);
    if (plan.visualization) table.visualization = plan.visualization;
    return table;
  } catch (error) {
    // A value-level refusal raised where no construct positioned it (an operator building dynamic
    // values, a lazy column read at the end) is still a refusal of the query.
    if (error instanceof ValueUnsupported)
      throw new UnsupportedError(error.construct, { start: 0, length: 0 }, error.message);
    throw error;
  }
}

/** The result Log Analytics shows: without the hidden standard columns the plan lists. */
function withoutHidden(table: Table, hidden: readonly string[] | undefined): Table {
  if (!hidden?.length) return table;
  const keep = table.columns.flatMap((c, i) => (hidden.includes(c.name) ? [] : [i]));
  return {
    columns: keep.map((i) => table.columns[i]),
    rows: table.rows.map((row) => keep.map((i) => row[i])),
  };
}

/** Records from JSON, CSV or YAML -> a table of the schema's columns (missing fields are null / ''). */
export function tableFromRecords(schema: ColumnSchema[], records: Record<string, unknown>[]): Table {
  const columns = schema.map((c) => ({ name: c.name, type: c.type as KqlType }));
  return { columns, rows: records.map((r) => columns.map((c) => coerce(r[c.name], c.type))) };
}

/** Engine values -> JSON-ready records (datetimes ISO, timespans `[-][d.]hh:mm:ss[.fffffff]`). */
export function tableToRecords(t: Table): Record<string, unknown>[] {
  return t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c.name, toJson(row[i], c.type)])));
}

/** True when the error is one the engine raises for a query (as opposed to a bug). */
export function isQueryError(error: unknown): error is KqlError {
  return error instanceof KqlError || error instanceof UnsupportedError;
}
