import type { Catalog, TableSchema } from '../../kql/catalog.js';
import type { RemoteEngine } from '../../rules/backtest/remote.js';
import type { QueryWindow } from '../../rules/schedule/window.js';
import type { AdxCluster } from '../adx/cluster.js';
import { nameLiteral, valueLiteral } from './datatable.js';
import { pinNow } from './pin-now.js';
import { prependLets } from './runner.js';
import type { LiveWorkspace } from './workspace.js';

/**
 * Rule runs in a Log Analytics workspace, as Sentinel runs them: the rule's query with now()
 * pinned to the run, the window as the request's timespan, the workspace's own tables and parsers.
 * Limits per user (https://learn.microsoft.com/azure/azure-monitor/service-limits#log-queries-and-language):
 * 5 concurrent queries (more queue, and a queue wait over 3 minutes is a 429) and 200 queries per
 * 30 seconds; a 429 is retried after its Retry-After by the SDK.
 */
export function workspaceEngine(workspace: LiveWorkspace): RemoteEngine {
  return {
    concurrency: 5,
    rate: { queries: 200, perMs: 30_000 },
    run: ({ query, window, now }) => workspace.query(pinNow(query, now), window.start, window.end),
  };
}

/**
 * Rule runs in an Azure Data Explorer database holding the workspace's tables (for instance from a
 * continuous export). The Query API has no timespan, so each table the query reads (directly or
 * through a catalog parser, which is inlined) is shadowed by `let T = database(db).T | where
 * TimeGenerated` in the window, with the same closed end as a local run. The cluster's request
 * rate policy decides how many queries it admits (a 429 otherwise, retried after its Retry-After);
 * 4 in flight stays under the default policy's limit on the smallest SKUs.
 */
export function clusterEngine(cluster: AdxCluster, catalog: Catalog): RemoteEngine {
  return {
    concurrency: 4,
    run: ({ query, window, now }) =>
      cluster.query(
        prependLets(query, catalog, (schema) => windowLet(schema, cluster.database, window), now),
      ),
  };
}

/** `let T = database("db").T | where TimeGenerated in the window;` — undefined for tables without TimeGenerated. */
export function windowLet(schema: TableSchema, database: string, window: QueryWindow): string | undefined {
  if (!schema.columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime')) return undefined;
  const [above, below] = window.closedEnd === 'end' ? ['>', '<='] : ['>=', '<'];
  const name = nameLiteral(schema.name);
  return (
    `let ${name} = database(${valueLiteral(database, 'string')}).${name} | where TimeGenerated ${above} ` +
    `${valueLiteral(window.start, 'datetime')} and TimeGenerated ${below} ${valueLiteral(window.end, 'datetime')};`
  );
}
