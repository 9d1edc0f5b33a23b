import type { Catalog, FunctionSchema, TableSchema } from '../../kql/catalog.js';
import { queryReferences } from '../../kql/references.js';
import type { AnalyticsRule } from '../../rules/model.js';
import { rowTable, type WindowTable } from '../../rules/schedule/index.js';
import type { RuleTestCase } from '../../rules/testing/model.js';
import {
  brokenCase,
  type CaseResult,
  caseSimulation,
  type FileResult,
  judgeCase,
  mapRuleTests,
} from '../../rules/testing/runner.js';
import { datatableLet, nameLiteral } from './datatable.js';
import { pinNow } from './pin-now.js';
import { LiveWorkspace, type LiveWorkspaceOptions } from './workspace.js';

export interface LiveTestOptions extends LiveWorkspaceOptions {
  workspaceId: string;
}

/**
 * The rule tests' cases run against a real workspace: each case's query is sent with the fixture
 * rows of its window injected as `let <Table> = datatable(...)` (every catalog table the query
 * mentions is shadowed, empty when the case gives no rows, so workspace data never leaks in),
 * catalog parsers inlined as `let` functions over those tables, and now()/ago() pinned to the
 * case's `now`. Alerts are then built and compared exactly as in local runs.
 * Watchlists (`_GetWatchlist`) still resolve in the workspace.
 */
export async function runLiveRuleTests(
  paths: readonly string[],
  catalog: Catalog,
  options: LiveTestOptions,
): Promise<FileResult[]> {
  const workspace = new LiveWorkspace(options.workspaceId, options);
  const files = mapRuleTests(
    paths,
    catalog,
    (rule, testCase) => () => runLiveCase(workspace, rule.rule, testCase, catalog),
  );
  const results: FileResult[] = [];
  for (const { cases, ...file } of files) {
    const done: CaseResult[] = [];
    for (const runCase of cases) done.push(await runCase());
    results.push({ ...file, cases: done });
  }
  return results;
}

async function runLiveCase(
  workspace: LiveWorkspace,
  rule: AnalyticsRule,
  testCase: RuleTestCase,
  catalog: Catalog,
): Promise<CaseResult> {
  const started = performance.now();
  try {
    const simulation = caseSimulation(rule, testCase, catalog);
    const plan = simulation.prepare(testCase.now);
    const lookup = plan.tables ?? (() => undefined);
    const query = injectFixtures(rule.query, catalog, lookup, testCase.now);
    const result = await workspace.query(query, plan.window.start, plan.window.end);
    const run = simulation.record(testCase.now, plan.window, result);
    return judgeCase(testCase, started, simulation, run.alerts);
  } catch (error) {
    return brokenCase(testCase, started, (error as Error).message);
  }
}

/** The query with fixture tables and catalog parsers prepended as `let` statements, now() pinned. */
export function injectFixtures(
  query: string,
  catalog: Catalog,
  tables: (name: string) => WindowTable | undefined,
  at: bigint,
): string {
  return prependLets(
    query,
    catalog,
    (schema) => {
      const table = tables(schema.name);
      return datatableLet(
        schema.name,
        table
          ? rowTable(table)
          : { columns: schema.columns.map((c) => ({ name: c.name, type: c.type })), rows: [] },
      );
    },
    at,
  );
}

/**
 * The query with a `let` from `tableLet` for every catalog table it reads (bound by Kusto.Language,
 * directly or through a catalog parser; undefined leaves the table as it is), the parsers it calls inlined as `let`
 * functions, and now()/ago() pinned to `at`.
 */
export function prependLets(
  query: string,
  catalog: Catalog,
  tableLet: (schema: TableSchema) => string | undefined,
  at: bigint,
): string {
  const { tables: names, functions } = queryReferences(query, catalog);
  const lets: string[] = [];
  for (const name of names) {
    const schema = catalog.tables.get(name);
    if (!schema) continue;
    const text = tableLet(schema);
    if (text !== undefined) lets.push(text);
  }
  for (const f of functions) lets.push(functionLet(f));
  return pinNow(lets.length > 0 ? `${lets.join('\n')}\n${query}` : query, at);
}

function functionLet(f: FunctionSchema): string {
  const params = f.parameters
    .map(
      (p) =>
        `${nameLiteral(p.name)}:${p.type === 'table' ? '(*)' : p.type}${p.default ? ` = ${p.default}` : ''}`,
    )
    .join(', ');
  return `let ${nameLiteral(f.name)} = (${params}) {\n${f.body.trim()}\n};`;
}
