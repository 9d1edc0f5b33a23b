import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, TableSchema } from '../../kql/catalog.js';
import { runQuery, type Table, tableFromRecords } from '../../kql/index.js';
import type { SourceSpec } from '../../kql/worker/protocol.js';
import { type AppendFileSystem, BatchLog, type LogRecovery, readBatches } from './batch-log.js';

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
      for (const batch of batches)
        appendRows(stored.data, tableFromRecords(stored.schema.columns, batch.rows));
    }
  }

  private open(name: string): StoredTable {
    let stored = this.tables.get(name);
    if (!stored) {
      const schema = this.catalog.tables.get(name);
      if (!schema)
        throw new Error(`table '${name}' is not in the catalog (kql/schemas or connectors/*/table.json)`);
      const data: Table = { columns: schema.columns.map(({ name, type }) => ({ name, type })), rows: [] };
      stored = { schema, log: new BatchLog(join(this.dir, 'tables', `${name}.ndjson`), this.fileSystem), data };
      this.tables.set(name, stored);
    }
    return stored;
  }

  /**
   * Stores rows durably; returns once they are on disk. Columns outside the table's schema are
   * dropped, as Log Analytics drops columns a table does not declare.
   */
  ingest(table: string, records: Record<string, unknown>[]): number {
    if (records.length === 0) return 0;
    const stored = this.open(table);
    const known = new Set(stored.schema.columns.map((c) => c.name));
    const rows = records.map((record) =>
      Object.fromEntries(Object.entries(record).filter(([k]) => known.has(k))),
    );
    const converted = tableFromRecords(stored.schema.columns, rows);
    stored.log.append(rows);
    appendRows(stored.data, converted);
    return rows.length;
  }

  table(name: string): Table | undefined {
    return this.tables.get(name)?.data;
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([name, stored]) => [name, stored.data.rows.length]));
  }

  query(query: string, now: bigint): Table {
    return runQuery(query, { catalog: this.catalog, tables: (name) => this.table(name), now });
  }

  close(): void {
    for (const stored of this.tables.values()) stored.log.close();
  }
}

function appendRows(target: Table, source: Table): void {
  for (const row of source.rows) target.rows.push(row);
}
