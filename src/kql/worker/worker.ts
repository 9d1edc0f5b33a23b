import { type Catalog, catalogFromPortable } from '../catalog.js';
import { KqlError, planQuery, runPlan } from '../index.js';
import { toJson } from '../values/index.js';
import type { CreateSource, QueryReply, QueryRequest, WorkerDataSource, WorkerInit } from './protocol.js';
import { restrictToTimeRange, type TimeRange } from './time-range.js';

function answer(catalog: Catalog, source: WorkerDataSource, request: QueryRequest): QueryReply {
  const { id } = request;
  try {
    source.refresh();
    const plan = planQuery(request.query, catalog);
    // Over the whole store, not the request's range: a parser stub is refused whenever the workspace
    // holds rows at all, which errs towards refusing.
    const anyRows = source.anyRows?.bind(source);
    const table = runPlan(plan, {
      catalog,
      tables: tablesIn(source, request.range),
      now: request.now,
      anyRows,
    });
    if (table.rows.length > request.maxRows) {
      return {
        id,
        ok: false,
        kind: 'limit',
        message: `the result has ${table.rows.length} rows, over the limit of ${request.maxRows}; add a filter, summarize or take`,
      };
    }
    const rows = table.rows.map((row) => row.map((value, i) => toJson(value, table.columns[i].type)));
    const { columns, visualization } = table;
    return { id, ok: true, table: visualization ? { columns, rows, visualization } : { columns, rows } };
  } catch (error) {
    // Binding errors carry positions; evaluation errors (a bad regex, a value the engine refuses at
    // run time) are the query's fault too and carry a message only.
    const diagnostics = error instanceof KqlError ? error.diagnostics : [];
    return { id, ok: false, kind: 'query', message: (error as Error).message, diagnostics };
  }
}

/** The source's tables, cut to the request's time range once per table when it has one. */
function tablesIn(
  source: WorkerDataSource,
  range: TimeRange | undefined,
): (name: string) => ReturnType<WorkerDataSource['table']> {
  if (!range) return (name) => source.table(name);
  const cut = new Map<string, ReturnType<WorkerDataSource['table']>>();
  return (name) => {
    if (!cut.has(name)) {
      const table = source.table(name);
      cut.set(name, table && restrictToTimeRange(table, range, name));
    }
    return cut.get(name);
  };
}

// The first message names the catalog and the data source; each later one is a query.
process.once('message', async ({ catalog: portable, source: spec }: WorkerInit) => {
  const catalog = catalogFromPortable(portable);
  const { createSource } = (await import(spec.module)) as { createSource: CreateSource };
  const source = createSource(spec.options, catalog);
  // Loading Kusto.Language takes seconds; doing it before "ready" keeps it out of the first query's
  // time limit.
  planQuery('print 1', catalog);
  process.on('message', (request: QueryRequest) => process.send?.(answer(catalog, source, request)));
  process.send?.({ ready: true });
});
// The parent is gone (stopped or killed): nobody will read an answer.
process.on('disconnect', () => process.exit(0));
