import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../kql/catalog.js';
import { type Table, tableFromRecords } from '../../kql/index.js';
import type { WorkerDataSource } from '../../kql/worker/protocol.js';
import { readBatchesSince } from './batch-log.js';
import { ingestedAt } from './workspace.js';

/**
 * A read-only copy of the local workspace for the query worker: it follows each table's batch log
 * and reads what was appended since the last query. Every acknowledged batch is on disk before the
 * ingestion call answers, so a query sees every row acknowledged before it was sent.
 */
export function createSource(options: unknown, catalog: Catalog): WorkerDataSource {
  const tablesDir = join((options as { dir: string }).dir, 'tables');
  const tables = new Map<string, { data: Table; offset: number }>();
  return {
    refresh() {
      if (!existsSync(tablesDir)) return;
      for (const file of readdirSync(tablesDir)) {
        if (!file.endsWith('.ndjson')) continue;
        const name = file.slice(0, -'.ndjson'.length);
        const schema = catalog.tables.get(name);
        if (!schema) continue;
        let table = tables.get(name);
        if (!table) {
          table = {
            data: {
              columns: schema.columns.map(({ name, type }) => ({ name, type })),
              rows: [],
              ingestion: [],
            },
            offset: 0,
          };
          tables.set(name, table);
        }
        const { batches, offset } = readBatchesSince(join(tablesDir, file), table.offset);
        table.offset = offset;
        const ingestion = table.data.ingestion as (bigint | null)[];
        for (const batch of batches) {
          for (const row of tableFromRecords(schema.columns, batch.rows).rows) table.data.rows.push(row);
          for (const record of batch.rows) ingestion.push(ingestedAt(record));
        }
      }
    },
    table: (name) => tables.get(name)?.data,
    anyRows: () => [...tables.values()].some((t) => t.data.rows.length > 0),
  };
}
