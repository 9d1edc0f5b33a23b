import fc from 'fast-check';
import { expect } from 'vitest';
import { type Catalog, emptyCatalog } from '../../../src/kql/catalog.js';
import {
  type ColumnarTable,
  columnarTable,
  type Plan,
  planQuery,
  runPlan,
  runQuery,
  type Table,
  tableToRecords,
  UnsupportedError,
  type Value,
} from '../../../src/kql/index.js';
import { hiddenResultColumns } from '../../../src/kql/lower/hidden-columns.js';
import { analyze, resultSchema } from '../../../src/kql/syntax/index.js';
import { parseDateTime } from '../../../src/kql/values/index.js';

export const NOW = parseDateTime('2026-01-10T12:00:00Z')!;

/** Runs a query and returns JSON-ish records (datetimes as ISO strings). */
export function records(query: string, options: { catalog?: Catalog; tables?: Map<string, Table> } = {}) {
  return tableToRecords(run(query, options));
}

/** Kusto.Language's binding errors for a query over a catalog. */
export const bindingErrors = (catalog: Catalog, query: string) =>
  analyze(query, catalog).diagnostics.filter((d) => d.severity === 'error');

/** The refusal a query meets: its construct and the query text at its position. */
export function refusalAt(query: string): { construct: string; at: string } {
  try {
    records(query);
  } catch (e) {
    expect(e).toBeInstanceOf(UnsupportedError);
    const error = e as UnsupportedError;
    return { construct: error.construct, at: query.slice(error.start, error.start + error.length) };
  }
  throw new Error(`answered: ${query}`);
}

export function run(query: string, options: { catalog?: Catalog; tables?: Map<string, Table> } = {}): Table {
  return runQuery(query, {
    catalog: options.catalog ?? emptyCatalog(),
    tables: options.tables ?? new Map(),
    now: NOW,
  });
}

/**
 * Property: every query answers over table T held as columns exactly as over the same rows held as
 * row arrays. Queries are planned once (binding is the slow part; the property is about execution).
 */
export function expectColumnarAgreesWithRows(
  catalog: Catalog,
  columns: Table['columns'],
  row: fc.Arbitrary<readonly Value[]>,
  queries: readonly string[],
  numRuns: number,
): void {
  const plans = queries.map((query) => ({ query, plan: planQuery(query, catalog) }));
  fc.assert(
    fc.property(fc.array(row, { maxLength: 40 }), (tuples) => {
      const rows = tuples.map((t) => [...t] as Value[]);
      const asRows = new Map([['T', { columns, rows }]]);
      const asColumns = new Map([['T', columnarTable(columns, rows)]]);
      // A refusal must be the same refusal on both layouts.
      const answer = (plan: Plan, tables: Map<string, Table | ColumnarTable>): Table | string => {
        try {
          return runPlan(plan, { catalog, tables, now: NOW });
        } catch (error) {
          if (error instanceof UnsupportedError) return `refused: ${error.message}`;
          throw error;
        }
      };
      for (const { query, plan } of plans) {
        expect(answer(plan, asColumns), query).toEqual(answer(plan, asRows));
      }
    }),
    { numRuns },
  );
}

/** Column names and types as `name:type`. */
export function schemaOf(
  query: string,
  options: { catalog?: Catalog; tables?: Map<string, Table> } = {},
): string[] {
  return run(query, options).columns.map((c) => `${c.name}:${c.type}`);
}

/**
 * The schema-equality check restated outside the engine (so it survives an executor rewrite): an
 * answered query's columns are the names, order and types Kusto.Language computes for it. An open
 * result (bag_unpack without an output schema) has data-dependent columns and is not compared.
 */
export function expectKustoSchema(query: string, table: Table, catalog: Catalog = emptyCatalog()): void {
  const { code } = analyze(query, catalog);
  if (code.ResultType?.IsOpen) return;
  // Kusto.Language binds the hidden standard columns Log Analytics leaves out of the result.
  const hidden = new Set(hiddenResultColumns(code, catalog));
  const shown = resultSchema(code)?.filter((c) => !hidden.has(c.name));
  expect(table.columns, `result schema of: ${query}`).toEqual(shown);
}

/**
 * The schema check where Kusto.Language binds the query itself wrong (the union ColumnMap loss,
 * union-binder-losses.ts): the columns it computes for `equivalent`, the same query written so that
 * it binds right (an empty leg giving the name its other type after the first leg that has it).
 */
export function expectSchemaOfEquivalent(equivalent: string, table: Table): void {
  expect(table.columns, `result schema of: ${equivalent}`).toEqual(
    resultSchema(analyze(equivalent, emptyCatalog()).code),
  );
}
