import { formatDiagnostic, hasErrors } from '../../diagnostics.js';
import type { Catalog } from '../../kql/catalog.js';
import type { WorkerDataSource } from '../../kql/worker/protocol.js';
import type { IndexedTable } from '../schedule/window.js';
import { loadBacktestData } from './data.js';

/**
 * Backtest data files (`<Table>.ndjson` / `.csv` under `dir`) as a query worker's data source, so
 * `sentinel-kit query --data` loads them in the worker that runs the query, within its limits.
 */
export function createSource(options: unknown, catalog: Catalog): WorkerDataSource {
  const { dir, now } = options as { dir?: string; now: bigint };
  let tables: Map<string, IndexedTable> | undefined;
  return {
    refresh() {
      if (tables || !dir) return;
      const loaded = loadBacktestData(dir, catalog, now);
      if (hasErrors(loaded.diagnostics)) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
      tables = loaded.tables;
    },
    table: (name) => tables?.get(name)?.data,
    anyRows: () => [...(tables?.values() ?? [])].some((t) => t.length > 0),
  };
}
