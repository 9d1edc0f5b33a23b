import { type IndexedTable, indexTable } from '../../rules/schedule/index.js';
import type { Workspace } from '../store/workspace.js';

/**
 * The workspace's tables indexed for scheduled runs (analytics rules, custom detections, summary
 * rules), re-indexed only when a table received rows: alerts and summaries write rows after every
 * run, and re-sorting every table each time would dominate a tick.
 */
export class WorkspaceIndex {
  /** The indexed tables by name; the same map object for the index's life (rule runs keep it). */
  readonly tables = new Map<string, IndexedTable>();
  /** Row count of each table when it was last indexed; tables only grow, so a count change means new rows. */
  private readonly indexedRows = new Map<string, number>();

  constructor(private readonly workspace: Workspace) {}

  refresh(): void {
    for (const name of this.workspace.catalog.tables.keys()) {
      const table = this.workspace.table(name);
      if (!table || this.indexedRows.get(name) === table.rows.length) continue;
      // Real ingestion times, so NRT rules select by ingestion time as in Sentinel and scheduled
      // runs miss rows ingested after they executed.
      this.tables.set(name, indexTable(table, this.workspace.ingestionTimes(name)));
      this.indexedRows.set(name, table.rows.length);
    }
  }
}
