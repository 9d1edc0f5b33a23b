import type { Catalog, TableSchema } from '../../kql/catalog.js';
import { queryReferences } from '../../kql/references.js';
import { parseDateTime } from '../../kql/values/index.js';
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
 * NRT runs select rows by ingestion time instead (nrtQuery). Limits per user
 * (https://learn.microsoft.com/azure/azure-monitor/service-limits#log-queries-and-language):
 * 5 concurrent queries (more queue, and a queue wait over 3 minutes is a 429) and 200 queries per
 * 30 seconds; a 429 is retried after its Retry-After by the SDK.
 */
export function workspaceEngine(workspace: LiveWorkspace, catalog: Catalog): RemoteEngine {
  return {
    concurrency: 5,
    rate: { queries: 200, perMs: 30_000 },
    run: ({ query, window, now, kind }) =>
      kind === 'NRT'
        ? workspace.query(nrtQuery(query, catalog, window, now), anyTimeGenerated.start, anyTimeGenerated.end)
        : workspace.query(pinNow(query, now), window.start, window.end),
  };
}

/**
 * The request timespan of an NRT run. An NRT run sees the rows ingested in its minute "whatever their
 * TimeGenerated" (https://learn.microsoft.com/azure/sentinel/near-real-time-rules#how-do-they-work), so
 * the timespan the SDK requires must not cut any: 1900 to 2200 covers every TimeGenerated a workspace holds.
 */
const anyTimeGenerated = {
  start: parseDateTime('1900-01-01T00:00:00Z') as bigint,
  end: parseDateTime('2200-01-01T00:00:00Z') as bigint,
};

/**
 * An NRT run's query for a workspace: every table it reads, directly or through a catalog parser
 * (inlined, so its tables are the shadowed ones), shadowed by `let T = T | where ingestion_time()` in
 * the run's window, with the same closed end as a local run, and now() pinned. ingestion_time() is
 * documented for Azure Monitor and Sentinel and must be called in the context of a table
 * (https://learn.microsoft.com/kusto/query/ingestion-time-function), as it is here, straight on T.
 * A query calling a function the catalog has no body for (an ASIM parser, `_GetWatchlist`) is
 * refused: the tables it reads cannot be limited to the window, and the run would see too much.
 */
export function nrtQuery(query: string, catalog: Catalog, window: QueryWindow, now: bigint): string {
  const { external } = queryReferences(query, catalog);
  if (external.length > 0) {
    throw new Error(
      `NRT rules that call ${external.join(', ')} are not backtested remotely: the tables behind ` +
        "those functions cannot be limited to the run's ingestion window",
    );
  }
  return prependLets(
    query,
    catalog,
    (schema) => {
      const name = nameLiteral(schema.name);
      return `let ${name} = ${name} | where ${inWindow('ingestion_time()', window)};`;
    },
    now,
  );
}

/** `x >= start and x < end` for the window, with the same closed end as a local run. */
function inWindow(x: string, window: QueryWindow): string {
  const [above, below] = window.closedEnd === 'end' ? ['>', '<='] : ['>=', '<'];
  return (
    `${x} ${above} ${valueLiteral(window.start, 'datetime')} and ` +
    `${x} ${below} ${valueLiteral(window.end, 'datetime')}`
  );
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
    // ingestion_time() is null for rows ingested while a table's IngestionTime policy was off
    // (https://learn.microsoft.com/azure/data-explorer/kusto/management/ingestion-time-policy), and a
    // null would silently give an NRT run no rows, so NRT waits for a check of that policy.
    nrtRefusal:
      'NRT rules are not backtested on an Azure Data Explorer cluster: their window is ingestion time, ' +
      'which a table only records while its IngestionTime policy is on; use --workspace',
    run: ({ query, window, now }) =>
      cluster.query(
        prependLets(query, catalog, (schema) => windowLet(schema, cluster.database, window), now),
      ),
  };
}

/** `let T = database("db").T | where TimeGenerated in the window;` — undefined for tables without TimeGenerated. */
export function windowLet(schema: TableSchema, database: string, window: QueryWindow): string | undefined {
  if (!schema.columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime')) return undefined;
  const name = nameLiteral(schema.name);
  return `let ${name} = database(${valueLiteral(database, 'string')}).${name} | where ${inWindow('TimeGenerated', window)};`;
}
