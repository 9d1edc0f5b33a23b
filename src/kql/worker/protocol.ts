import type { Catalog, PortableCatalog } from '../catalog.js';
import type { Column, ColumnarTable, Table, Visualization } from '../index.js';
import type { QueryDiagnostic } from '../syntax/index.js';
import type { TimeRange } from './time-range.js';

/**
 * Where a query worker reads its tables: a module exporting `createSource(options, catalog)`,
 * imported inside the worker so data is loaded there and never copied across threads.
 */
export interface SourceSpec {
  /** `import.meta.url`-style URL of the module. */
  module: string;
  /** Structured-clonable options passed to its `createSource`. */
  options: unknown;
}

export interface WorkerDataSource {
  /** Brings the tables up to date before a query (e.g. reads what was appended to the store since). */
  refresh(): void;
  table(name: string): Table | ColumnarTable | undefined;
  /** Whether any table holds a row (`QueryOptions.anyRows`); absent: not known. */
  anyRows?(): boolean;
}

export type CreateSource = (options: unknown, catalog: Catalog) => WorkerDataSource;

export interface QueryLimits {
  /** Wall-clock time a query may run before it is stopped. */
  timeoutMs: number;
  /** Rows a result may have; a larger result is refused, not truncated. */
  maxRows: number;
  /** V8 old-generation heap of the worker: tables plus everything a query builds. */
  memoryMb: number;
}

export interface WorkerInit {
  catalog: PortableCatalog;
  source: SourceSpec;
}

export interface QueryRequest {
  id: number;
  query: string;
  now: bigint;
  maxRows: number;
  /** Only rows whose TimeGenerated lies in this range are read (the Logs Query API's `timespan`). */
  range?: TimeRange;
}

/** A result with values already in their JSON form (`toJson`), so it crosses threads cheaply. */
export interface JsonTable {
  columns: Column[];
  rows: unknown[][];
  visualization?: Visualization;
}

export type QueryReply =
  | { id: number; ok: true; table: JsonTable }
  | { id: number; ok: false; kind: 'query'; message: string; diagnostics: QueryDiagnostic[] }
  | { id: number; ok: false; kind: 'limit'; message: string };
