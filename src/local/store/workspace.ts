import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, TableSchema } from '../../kql/catalog.js';
import { runQuery, type Table, tableFromRecords } from '../../kql/index.js';
import { formatDateTime, parseDateTime } from '../../kql/values/index.js';
import type { SourceSpec } from '../../kql/worker/protocol.js';
import { type AppendFileSystem, BatchLog, type LogRecovery, readBatches } from './batch-log.js';
import { toTableRecord } from './destination.js';

/** Where a query worker reads this workspace from: the batch logs under `dir` (see reader.ts). */
export function workspaceSource(dir: string): SourceSpec {
  return { module: new URL('./reader.ts', import.meta.url).href, options: { dir } };
}

export interface WorkspaceRecovery extends LogRecovery {
  table: string;
}

interface StoredTable {
  schema: TableSchema;
  log: BatchLog;
  data: Table;
  /**
   * When each row was ingested (ticks), parallel to data.rows (and data.ingestion, the same array);
   * null for rows stored before it was recorded.
   */
  ingested: (bigint | null)[];
}

/**
 * The stored field holding a row's ingestion time: Log Analytics keeps it for every record
 * (ingestion_time(), and what NRT rules select on), apart from the row's own TimeGenerated. The `$`
 * keeps it out of any table schema, so queries never see it as a column.
 */
const INGESTED = '$IngestionTime';

export function ingestedAt(record: Record<string, unknown>): bigint | null {
  const value = record[INGESTED];
  return typeof value === 'string' ? parseDateTime(value) : null;
}

/**
 * The local Log Analytics workspace: one durable batch log per table under `<dir>/tables/`, held in
 * memory as engine tables and queried with the embedded KQL engine.
 */
export class Workspace {
  private readonly tables = new Map<string, StoredTable>();
  readonly recoveries: WorkspaceRecovery[] = [];

  constructor(
    readonly dir: string,
    readonly catalog: Catalog,
    private readonly fileSystem?: AppendFileSystem,
  ) {
    const tablesDir = join(dir, 'tables');
    mkdirSync(tablesDir, { recursive: true });
    for (const file of readdirSync(tablesDir)
      .filter((name) => name.endsWith('.ndjson'))
      .sort()) {
      const name = file.slice(0, -'.ndjson'.length);
      const stored = this.open(name);
      const { batches, recovery } = readBatches(stored.log.file);
      if (recovery.quarantinedTo) this.recoveries.push({ table: name, ...recovery });
      for (const batch of batches) {
        appendRows(stored.data, tableFromRecords(stored.schema.columns, batch.rows));
        for (const record of batch.rows) stored.ingested.push(ingestedAt(record));
      }
    }
  }

  private open(name: string): StoredTable {
    let stored = this.tables.get(name);
    if (!stored) {
      const schema = this.catalog.tables.get(name);
      if (!schema)
        throw new Error(
          `table '${name}' is not in the catalog (built-in tables, kql/schemas or connectors/*/table.json)`,
        );
      const ingested: (bigint | null)[] = [];
      const data: Table = {
        columns: schema.columns.map(({ name, type }) => ({ name, type })),
        rows: [],
        ingestion: ingested,
      };
      stored = {
        schema,
        log: new BatchLog(join(this.dir, 'tables', `${name}.ndjson`), this.fileSystem),
        data,
        ingested,
      };
      this.tables.set(name, stored);
    }
    return stored;
  }

  /**
   * Stores rows durably, ingested at `ingestedAt` (ticks); returns once they are on disk. Each
   * record is stored as Log Analytics stores it (`toTableRecord`: undeclared columns dropped,
   * values that do not fit their column null).
   */
  ingest(table: string, records: Record<string, unknown>[], ingestedAt: bigint): number {
    if (records.length === 0) return 0;
    const stored = this.open(table);
    const at = formatDateTime(ingestedAt);
    const rows = records.map((record) => ({
      ...toTableRecord(record, stored.schema.columns),
      [INGESTED]: at,
    }));
    const converted = tableFromRecords(stored.schema.columns, rows);
    stored.log.append(rows);
    appendRows(stored.data, converted);
    for (let i = 0; i < rows.length; i++) stored.ingested.push(ingestedAt);
    return rows.length;
  }

  /** Ingestion time of each row of a table, parallel to table(name).rows. */
  ingestionTimes(name: string): readonly (bigint | null)[] {
    return this.tables.get(name)?.ingested ?? [];
  }

  table(name: string): Table | undefined {
    return this.tables.get(name)?.data;
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([name, stored]) => [name, stored.data.rows.length]));
  }

  query(query: string, now: bigint): Table {
    const anyRows = () => [...this.tables.values()].some((stored) => stored.data.rows.length > 0);
    return runQuery(query, { catalog: this.catalog, tables: (name) => this.table(name), now, anyRows });
  }

  close(): void {
    for (const stored of this.tables.values()) stored.log.close();
  }
}

function appendRows(target: Table, source: Table): void {
  for (const row of source.rows) target.rows.push(row);
}
