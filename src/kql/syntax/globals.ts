import type { Catalog, ColumnSchema, FunctionSchema, TableSchema } from '../catalog.js';
import { callableFunctions, loadTablesNamedIn, TableMap, watchlistBaseColumns } from '../catalog.js';
import { correctedGlobalState } from './corrections.js';
import { kusto } from './kusto.js';

const cache = new WeakMap<
  Catalog,
  { tables: number; functions: number; allFunctions: boolean; watchlists: number; state: any }
>();
const tableSymbols = new WeakMap<TableSchema, any>();
const functionSymbols = new WeakMap<FunctionSchema, any>();

/**
 * The Kusto.Language GlobalState that binds `query` against a catalog. Building it is the costly
 * step of analysis (symbols for every table), so it is cached per catalog object; with the lazy
 * built-in catalog it holds the tables loaded so far and is rebuilt when `query` names new ones
 * (a superset of the tables a query names binds it exactly as the full catalog would). Functions
 * likewise: only those the queries name (`namedFunctions`), as a function is found by its name
 * alone; declaring all ~200 parsed each one's parameter list on every thread (until a later query
 * names another, below). Callers that know many queries up front load their tables first
 * (`loadTablesNamedIn`) so it is built once.
 */
export function globalStateFor(catalog: Catalog, query = ''): any {
  loadTablesNamedIn(catalog, query);
  const tables =
    catalog.tables instanceof TableMap ? [...catalog.tables.loaded()] : [...catalog.tables.values()];
  const named = catalog.namedFunctions;
  const callable = callableFunctions(catalog);
  let functions = callable.filter((f) => named?.has(f.name));
  const watchlists = catalog.externalWatchlists?.size ?? 0;
  let cached = cache.get(catalog);
  // Queries bound one at a time (rule tests, the console) name new functions as they come: after
  // the first state, every function is declared, so a new name does not rebuild it (and drop its
  // binding cache) again and again.
  const allFunctions = cached !== undefined && (cached.allFunctions || cached.functions !== functions.length);
  if (allFunctions) functions = callable;
  if (
    cached?.tables !== tables.length ||
    cached.functions !== functions.length ||
    cached.watchlists !== watchlists
  ) {
    const { Symbols } = kusto();
    const members = [
      ...tables.map(cachedTableSymbol),
      ...functions.map(cachedFunctionSymbol),
      getWatchlistSymbol(catalog),
    ];
    const database = new Symbols.DatabaseSymbol.$ctor3('workspace', null, members, false);
    const state = reusableState(correctedGlobalState().WithDatabase(database));
    cached = { tables: tables.length, functions: functions.length, allFunctions, watchlists, state };
    cache.set(catalog, cached);
  }
  return cached.state;
}

/**
 * `KustoCode.ParseAndAnalyze` derives a state with end tokens on from the one it is given, and the
 * binder gives a state without a KustoCache a new, empty one: so every query re-bound the bodies of
 * the parsers (database functions) it calls and recomputed cached call results. With both set
 * here, ParseAndAnalyze uses this state as is and its cache lives as long as the catalog's state.
 * (The query grammar, which KustoCode.Create would otherwise build for the first query, is built
 * only if a result's `Grammar` is read: see bridge-fast-paths.ts.)
 */
function reusableState(state: any): any {
  const parsing = state.WithParseOptions(state.ParseOptions.WithAlwaysProduceEndTokens(true));
  return parsing.WithCache();
}

function cachedTableSymbol(table: TableSchema): any {
  let symbol = tableSymbols.get(table);
  if (!symbol) {
    symbol = tableSymbol(table);
    tableSymbols.set(table, symbol);
  }
  return symbol;
}

function cachedFunctionSymbol(fn: FunctionSchema): any {
  let symbol = functionSymbols.get(fn);
  if (!symbol) {
    symbol = functionSymbol(fn);
    functionSymbols.set(fn, symbol);
  }
  return symbol;
}

function schemaText(columns: readonly ColumnSchema[]): string {
  return `(${columns.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ')})`;
}

/**
 * Brackets names that are not plain identifiers or that are keywords (`time`, `type`...): in schema
 * text an unbracketed keyword silently ends the column list, dropping every column after it.
 */
export function quoteName(name: string): string {
  return kusto().KustoFacts.BracketNameIfNecessary(name) as string;
}

/**
 * The symbol `new TableSymbol(name, schemaText(columns), description)` builds, without writing the
 * schema text and parsing it back (~0.2 s of each thread's start for the dozen tables a rule set
 * reads, while the parser is still cold). What `TableSymbol.From` does with the parsed schema
 * (Binder.CreateColumnsFromRowSchema): each column's type by name (`ScalarTypes.GetSymbol`, the
 * error symbol for an unknown name), a later column of a name already declared dropped, the list
 * made read-only the same way. One difference: `From` records each column's name declaration in
 * the schema text as its `Source`, which only the editor services read (go to definition); here it
 * is null. test/kql/syntax/table-symbols.test.ts compares both over the whole catalog.
 */
export function tableSymbol(table: TableSchema): any {
  const { Symbols } = kusto();
  const { ColumnSymbol, ErrorSymbol, ScalarTypes, TableSymbol } = Symbols;
  const { List$1 } = (globalThis as any).System.Collections.Generic;
  const columns = new (List$1(ColumnSymbol).ctor)();
  const declared = new Set<string>();
  for (const column of table.columns) {
    if (declared.has(column.name)) continue;
    declared.add(column.name);
    const type = ScalarTypes.GetSymbol(column.type) ?? ErrorSymbol.Instance;
    columns.add(new ColumnSymbol(column.name, type, undefined, undefined, null, undefined));
  }
  return new TableSymbol.$ctor6(table.name, columns, table.description ?? null);
}

function functionSymbol(fn: FunctionSchema): any {
  const { Symbols } = kusto();
  const parameters = fn.parameters
    .map(
      (p) =>
        `${quoteName(p.name)}:${p.type === 'table' ? '(*)' : p.type}${p.default ? ` = ${p.default}` : ''}`,
    )
    .join(', ');
  const body = `{ ${fn.body} }`;
  return new Symbols.FunctionSymbol.$ctor13(
    fn.name,
    body,
    Symbols.Tabularity.Unknown,
    Symbols.Parameter.ParseList(`(${parameters})`),
    fn.description ?? null,
  );
}

/**
 * `_GetWatchlist(alias)`: each watchlist of kql/watchlists with its own columns (Kusto.Language binds
 * `table(watchlistAlias)` per call with the alias's constant value), and a watchlist the project
 * does not define with an open schema, as Sentinel's function unpacks each item's columns
 * (`evaluate bag_unpack`), so its CI accepts any column; one its Solution publishes with its items
 * (catalog/solution-watchlists.json) has the items' columns. The engine runs project watchlists and
 * published ones.
 */
function getWatchlistSymbol(catalog: Catalog): any {
  const { Symbols } = kusto();
  const base = schemaText(watchlistBaseColumns);
  const baseNames = new Set(watchlistBaseColumns.map((c) => c.name));
  const lets = [...catalog.watchlists.values()].map((w) => {
    const columns = [...watchlistBaseColumns, ...w.columns.filter((c) => !baseNames.has(c.name))];
    return `let ${quoteName(w.alias)} = datatable${schemaText(columns)}[];`;
  });
  const open = `datatable${base}[] | extend _item = WatchlistItem | evaluate bag_unpack(_item)`;
  for (const alias of catalog.externalWatchlists ?? []) {
    // A watchlist its Solution publishes with its items binds with the items' columns.
    const published = catalog.builtinWatchlists?.get(alias);
    const columns = published && [
      ...watchlistBaseColumns,
      ...published.columns.filter((c) => !baseNames.has(c.name)),
    ];
    lets.push(`let ${quoteName(alias)} = ${columns ? `datatable${schemaText(columns)}[]` : open};`);
  }
  return new Symbols.FunctionSymbol.$ctor13(
    '_GetWatchlist',
    `{ ${lets.join(' ')} table(watchlistAlias) }`,
    Symbols.Tabularity.Tabular,
    Symbols.Parameter.ParseList('(watchlistAlias:string)'),
    'Returns the items of a Microsoft Sentinel watchlist.',
  );
}
