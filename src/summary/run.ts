import type { Catalog, ColumnSchema, TableSchema } from '../kql/catalog.js';
import { type Column, planQuery, runPlan, type Table } from '../kql/index.js';
import { analyze, resultSchema } from '../kql/syntax/index.js';
import type { Value } from '../kql/values/index.js';
import { type IndexedTable, sliceTable, type WindowTable } from '../rules/schedule/index.js';
import type { Bin } from './bins.js';
import type { SummaryRule } from './model.js';

/**
 * Columns Log Analytics reserves: "If the summary results include a reserved column name - such as
 * TimeGenerated, _IsBillable, _ResourceId, TenantId, or Type - Azure Monitor appends the _Original
 * prefix to the original fields" (summary-rules, destinationTable), i.e. `TimeGenerated_Original`.
 */
export const RESERVED_COLUMNS = ['TimeGenerated', '_IsBillable', '_ResourceId', 'TenantId', 'Type'];

/** "All destination tables also include a set of standard fields with summary rule information". */
export const STANDARD_COLUMNS: readonly ColumnSchema[] = [
  { name: '_RuleName', type: 'string', description: 'The summary rule that generated the row.' },
  { name: '_RuleLastModifiedTime', type: 'datetime', description: 'When the rule was last modified.' },
  { name: '_BinSize', type: 'int', description: 'The aggregation interval, in minutes.' },
  { name: '_BinStartTime', type: 'datetime', description: 'The aggregation start time.' },
];

const TIME_GENERATED: ColumnSchema = {
  name: 'TimeGenerated',
  type: 'datetime',
  description: "The start of the row's bin (see NOTES: the docs do not state it).",
};

function renamed(name: string): string {
  return RESERVED_COLUMNS.includes(name) ? `${name}_Original` : name;
}

/** The destination table's columns for a query returning `columns`, as Azure Monitor derives them. */
export function destinationColumns(
  columns: readonly { name: string; type: ColumnSchema['type'] }[],
): ColumnSchema[] {
  return [
    TIME_GENERATED,
    ...columns.map((c) => ({ name: renamed(c.name), type: c.type })),
    ...STANDARD_COLUMNS,
  ];
}

/** The destination table of a rule, from its query's result schema; undefined when it does not bind. */
export function destinationSchema(rule: SummaryRule, catalog: Catalog): TableSchema | undefined {
  const analysis = analyze(rule.ruleDefinition.query, catalog);
  if (analysis.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const columns = resultSchema(analysis.code);
  return columns && { name: rule.ruleDefinition.destinationTable, columns: destinationColumns(columns) };
}

/**
 * Runs one bin: the query over the rows whose TimeGenerated is in [bin.start, bin.end) and that were
 * ingested by the bin's execution (late rows are never summarized: "can't be configured on a
 * historical time range", failed bins "can't be re-executed"), then the reserved-column renames and
 * the standard fields: the rows the bin writes to the destination table. The bin is half-open so consecutive bins partition time; the docs do not
 * say which end is inclusive.
 */
export function runBin(
  rule: SummaryRule,
  bin: Bin,
  tables: ReadonlyMap<string, IndexedTable>,
  catalog: Catalog,
  lastModified: bigint | null,
): Table {
  const window = { start: bin.start, end: bin.end, closedEnd: 'start' as const, visibleAt: bin.executeAt };
  const sliced = new Map<string, WindowTable>(
    [...tables].map(([name, t]) => [name, sliceTable(t, 'Scheduled', window)]),
  );
  const result = runPlan(planQuery(rule.ruleDefinition.query, catalog), {
    catalog,
    tables: sliced,
    now: bin.executeAt,
  });
  const columns: Column[] = destinationColumns(result.columns) as Column[];
  const standard: Value[] = [rule.name, lastModified, rule.ruleDefinition.binSize, bin.start];
  const rows = result.rows.map((row) => [bin.start, ...row, ...standard]);
  return { columns, rows };
}
