import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { type ProjectConfig, readProjectConfig, type TablePlan, tablePlans } from '../config.js';
import { type Diagnostic, DiagnosticError } from '../diagnostics.js';
import { documentToJs, reportUnresolvedAliases } from '../yaml.js';
import { basicPlanRefusal } from './basic-plan.js';
import { builtinFunctions } from './builtin-functions.js';
import { builtinCatalogDir, PackedTables } from './packed-tables.js';
import { ciField, parseCiJson } from './sentinel-ci-json.js';
import { builtinWatchlists } from './solution-watchlists.js';
import { type KqlType, kqlTypes } from './values/types.js';

export type { TablePlan } from '../config.js';

export type { KqlType } from './values/types.js';

export interface ColumnSchema {
  name: string;
  type: KqlType;
  description?: string;
}

export interface TableSchema {
  name: string;
  description?: string;
  columns: ColumnSchema[];
  /** Set where the project declares it; absent means Azure's default, Analytics. */
  plan?: TablePlan;
  file?: string;
}

export interface FunctionParameter {
  name: string;
  type: KqlType | 'table';
  default?: string;
}

export interface FunctionSchema {
  name: string;
  description?: string;
  parameters: FunctionParameter[];
  body: string;
  file?: string;
  /**
   * Set on a function a workspace has without the project deploying it (`builtinFunctions`): its
   * output columns. Without `published` that is all the catalog knows of it (the body is a stand-in
   * of those columns); with it, the body is the parser's published query, which the engine runs.
   */
  columns?: ColumnSchema[];
  published?: boolean;
  /** Why the engine refuses to run it: a function declared for binding only (`asimResolveHelpers`). */
  unrunnable?: string;
  /**
   * A published parser whose body the catalog does not hold (an ASIM source parser a unifying parser
   * names): the tables its published body reads, so a call gives no rows while none of them has one.
   */
  bodyNotHeld?: { reads: string[] };
}

/** A function body that stands for its output columns only (no rows): what binding needs of it. */
export function columnsStandIn(columns: readonly ColumnSchema[]): string {
  return `datatable(${columns.map((c) => `['${c.name}']:${c.type}`).join(', ')})[]`;
}

export interface WatchlistSchema {
  alias: string;
  displayName?: string;
  description?: string;
  searchKey: string;
  columns: ColumnSchema[];
  items: Record<string, unknown>[];
  file?: string;
}

export interface Catalog {
  tables: Map<string, TableSchema>;
  /**
   * Aliases queries pass to `_GetWatchlist` that kql/watchlists does not define (filled as queries
   * are bound): Sentinel's `_GetWatchlist` unpacks each item's columns, so such a watchlist binds
   * with an open schema, as in Sentinel and its CI, rather than as an error.
   */
  externalWatchlists?: Set<string>;
  /** The project's parsers (kql/parsers), which `build` deploys. */
  functions: Map<string, FunctionSchema>;
  watchlists: Map<string, WatchlistSchema>;
  /**
   * Functions a workspace has that the project does not define (ASIM parsers, Solution parsers the
   * Azure-Sentinel CI declares), known by their output columns only: bound, never deployed, run as
   * a `parser-output`.
   */
  builtinFunctions?: ReadonlyMap<string, FunctionSchema>;
  /**
   * Watchlists a Solution publishes with their items (catalog/solution-watchlists.json): read by
   * `_GetWatchlist` where kql/watchlists does not define the alias, never deployed by `build`.
   */
  builtinWatchlists?: ReadonlyMap<string, WatchlistSchema>;
  /** Findings about the schemas and config that do not stop loading (SK0005), for `validate` and `build` to report. */
  warnings?: Diagnostic[];
  /**
   * Names of callable functions (project or built-in) that the queries scanned so far name, directly
   * or through the bodies of functions they name (filled by loadTablesNamedIn): Kusto's global state
   * declares only these.
   */
  namedFunctions?: Set<string>;
}

/** The functions a query can call: the built-in ones, unless the project defines the same name. */
export function callableFunctions(catalog: Catalog): FunctionSchema[] {
  const builtin = [...(catalog.builtinFunctions?.values() ?? [])].filter(
    (f) => !catalog.functions.has(f.name),
  );
  return [...catalog.functions.values(), ...builtin];
}

/**
 * A function the catalog knows by its output columns only, as a table of those columns, so a rule
 * test can give the rows it returns (`tables: { OktaSSO: [...] }` works the same for a stub table).
 */
export function parserOutputSchema(catalog: Catalog, name: string): TableSchema | undefined {
  const fn = catalog.functions.has(name) ? undefined : catalog.builtinFunctions?.get(name);
  return fn?.columns ? { name, columns: fn.columns, file: fn.file } : undefined;
}

/**
 * The tables of a catalog: the project's own, then the built-in catalog's, which load one at a
 * time when first asked for. Iterating loads every table (correct, but slow: ~900 tables); a
 * query's binding asks only for the tables it names (`loadTablesNamedIn`).
 */
export class TableMap extends Map<string, TableSchema> {
  private fallbacks: readonly PackedTables[] = [];
  private plans: ReadonlyMap<string, TablePlan> = new Map();
  private allLoaded = false;

  /** Built-in sources, in precedence order, and the plans the project sets for any table. */
  static layered(
    own: Iterable<TableSchema>,
    fallbacks: readonly PackedTables[],
    plans: ReadonlyMap<string, TablePlan>,
  ): TableMap {
    const map = new TableMap();
    map.plans = plans;
    for (const table of own) map.set(table.name, map.withPlan(table));
    map.fallbacks = fallbacks;
    return map;
  }

  override get(name: string): TableSchema | undefined {
    return super.get(name) ?? this.load(name);
  }

  override has(name: string): boolean {
    return super.has(name) || this.fallbacks.some((f) => f.has(name));
  }

  hasFallbacks(): boolean {
    return this.fallbacks.length > 0;
  }

  /** Every table name, without loading the tables. */
  *names(): IterableIterator<string> {
    yield* super.keys();
    for (const fallback of this.fallbacks) {
      for (const name of fallback.names()) if (!super.has(name)) yield name;
    }
  }

  /** The tables loaded so far (the project's own and those queries named). */
  loaded(): IterableIterator<TableSchema> {
    return super.values();
  }

  override get size(): number {
    this.loadAll();
    return super.size;
  }

  override keys(): MapIterator<string> {
    this.loadAll();
    return super.keys();
  }

  override values(): MapIterator<TableSchema> {
    this.loadAll();
    return super.values();
  }

  override entries(): MapIterator<[string, TableSchema]> {
    this.loadAll();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, TableSchema]> {
    return this.entries();
  }

  override forEach(callback: (value: TableSchema, key: string, map: Map<string, TableSchema>) => void): void {
    this.loadAll();
    super.forEach(callback);
  }

  /** The tables loaded so far and the project's plans, as plain data (see `portableCatalog`). */
  portable(): { tables: TableSchema[]; plans: [string, TablePlan][] } {
    return { tables: [...super.values()], plans: [...this.plans] };
  }

  private load(name: string): TableSchema | undefined {
    for (const fallback of this.fallbacks) {
      const table = fallback.get(name);
      if (table) {
        const planned = this.withPlan(table);
        super.set(name, planned);
        return planned;
      }
    }
    return undefined;
  }

  private loadAll(): void {
    if (this.allLoaded) return;
    this.allLoaded = true;
    for (const fallback of this.fallbacks) {
      for (const name of fallback.names()) if (!super.has(name)) this.load(name);
    }
  }

  private withPlan(table: TableSchema): TableSchema {
    const plan = this.plans.get(table.name);
    return plan && plan !== table.plan ? { ...table, plan } : table;
  }
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(\*)?/g;

/**
 * Loads the built-in tables a query can reach: every identifier in it and in the bodies of the
 * parsers it calls (transitively), and for a wildcard such as `union Device*` every table with
 * that prefix. Loading a name that is not a table, or one the query only mentions in a string or
 * comment, costs nothing and cannot change binding. The functions named the same way are recorded
 * in `namedFunctions`: Kusto.Language resolves a function only by its name (a wildcard in a table
 * context matches tables and local views, not database functions: Binder's
 * VisitWildcardedNameReference), so a function no text names is never looked up.
 * Given many texts (every rule file a thread checks), a name is looked up once for all of them:
 * what a lookup does (load a table, record a function and scan its body) is the same whichever
 * text names it first.
 */
export function loadTablesNamedIn(catalog: Catalog, texts: string | readonly string[]): void {
  const tables = catalog.tables;
  const lazy = tables instanceof TableMap;
  const named = (catalog.namedFunctions ??= new Set());
  const seen = new Set<string>();
  const pending = typeof texts === 'string' ? [texts] : [...texts].reverse();
  for (const text of pending) noteWatchlistAliases(catalog, text);
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    for (const [token, star] of text.matchAll(IDENTIFIER)) {
      if (seen.has(token)) continue;
      seen.add(token);
      if (star) {
        const prefix = token.slice(0, -1);
        if (lazy) for (const table of tables.names()) if (table.startsWith(prefix)) tables.get(table);
        continue;
      }
      if (lazy) tables.get(token);
      const fn = catalog.functions.get(token) ?? catalog.builtinFunctions?.get(token);
      if (!fn) continue;
      // A function's body was scanned when it was first named.
      if (named.has(token)) continue;
      named.add(token);
      noteWatchlistAliases(catalog, fn.body, fn.parameters);
      pending.push(fn.body);
    }
  }
}

const STRING = String.raw`'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"`;
// `_GetWatchlist('alias')`, or `_GetWatchlist(name)` of a name a `let` or a parameter default binds.
const WATCHLIST_CALL = new RegExp(String.raw`_GetWatchlist\s*\(\s*(?:${STRING}|([A-Za-z_]\w*)\s*\))`, 'g');
const STRING_LET = new RegExp(String.raw`\blet\s+([A-Za-z_]\w*)\s*=\s*(?:${STRING})\s*;`, 'g');
const STRING_LITERAL = new RegExp(String.raw`^\s*(?:${STRING})\s*$`);

/**
 * Records the `_GetWatchlist` aliases of a query (or of a function body it calls, with the
 * function's parameters) that the project does not define. An alias may be a name bound to a string
 * literal: Microsoft Business Applications' parsers call `_GetWatchlist(TerminatedEmployeesWatchlistAlias)`
 * with the alias as a parameter default ('TerminatedEmployees'), which Kusto.Language folds to the
 * constant the `_GetWatchlist` symbol's `table(watchlistAlias)` looks up.
 */
function noteWatchlistAliases(
  catalog: Catalog,
  query: string,
  parameters: readonly FunctionParameter[] = [],
): void {
  const bound = new Map<string, string>();
  for (const p of parameters) {
    const literal = p.default === undefined ? undefined : STRING_LITERAL.exec(p.default);
    if (literal) bound.set(p.name, literal[1] ?? literal[2]);
  }
  for (const [, name, single, double] of query.matchAll(STRING_LET)) bound.set(name, single ?? double);
  for (const [, single, double, name] of query.matchAll(WATCHLIST_CALL)) {
    const alias = single ?? double ?? bound.get(name);
    if (alias === undefined || catalog.watchlists.has(alias)) continue;
    catalog.externalWatchlists ??= new Set();
    catalog.externalWatchlists.add(alias);
  }
}

/** Columns every `_GetWatchlist()` result carries before the watchlist's own columns (Sentinel docs: "Build queries or detection rules with watchlists"). */
export const watchlistBaseColumns: readonly ColumnSchema[] = [
  { name: '_DTItemId', type: 'string' },
  { name: 'LastUpdatedTimeUTC', type: 'datetime' },
  { name: 'SearchKey', type: 'string' },
  { name: 'WatchlistItem', type: 'dynamic' },
];

export function emptyCatalog(): Catalog {
  return { tables: new Map(), functions: new Map(), watchlists: new Map() };
}

/** A catalog holding only the given tables; used for DCR transforms (`source`) and ad-hoc queries. */
export function catalogOf(tables: TableSchema[], base: Catalog = emptyCatalog()): Catalog {
  const merged = new Map(base.tables);
  for (const table of tables) merged.set(table.name, table);
  const { functions, watchlists, builtinFunctions } = base;
  return { tables: merged, functions, watchlists, ...(builtinFunctions ? { builtinFunctions } : {}) };
}

export interface CatalogOptions {
  /** More folders of table schemas (the CLI's `--schemas`), after the config file's. */
  schemaDirs?: readonly string[];
  /** The built-in catalog of Microsoft's tables (default true). */
  builtin?: boolean;
}

let builtinTables: PackedTables | undefined;
let builtinStubs: { exclude: string; tables: PackedTables[] } | undefined;

/**
 * The `file` of a table that stands for a parser's output (catalog/stubs.ndjson, ci-tables.ndjson):
 * the engine runs it as that parser (`parser-output`), not as a stored table.
 */
export const PARSER_STUB_FILE = 'sentinel-kit catalog (parser stub)';

/** Microsoft's tables (catalog/tables.ndjson), opened once per process (immutable data). */
function builtinTableFile(): PackedTables {
  builtinTables ??= PackedTables.open(
    join(builtinCatalogDir(), 'tables.ndjson'),
    'sentinel-kit catalog',
    undefined,
    (table) => withTenantId(withItemId(withType(withTimeGenerated(table)))),
  );
  return builtinTables;
}

/**
 * A custom (`_CL`) table has TimeGenerated: "All tables in a Log Analytics workspace must have a
 * column named TimeGenerated" (https://learn.microsoft.com/azure/azure-monitor/logs/create-custom-table).
 * The Azure-Sentinel CI files some `_CL` tables came from (OracleWebLogicServer.json, CiscoDuo...)
 * leave it out, so published parsers of those tables did not bind. Added first, where the page's
 * sample record puts it. (Defender XDR's own tables without it, EntraIdSignInEvents..., use Timestamp.)
 */
export function withTimeGenerated(table: TableSchema): TableSchema {
  if (!table.name.endsWith('_CL') || table.columns.some((c) => c.name === 'TimeGenerated')) return table;
  return { ...table, columns: [{ name: 'TimeGenerated', type: 'datetime' }, ...table.columns] };
}

/**
 * A custom (`_CL`) table has `Type`, the standard column that "holds the name of the table that the
 * record was retrieved from" (Learn "Standard columns in Azure Monitor Logs", azure-monitor-docs
 * log-standard-columns.md @04f72d4); summary rules, whose destinations are `_CL` tables, name it among
 * the reserved columns every table has ("TimeGenerated, _IsBillable, _ResourceId, TenantId, or Type",
 * summary-rules). Most Azure-Sentinel CI files of `_CL` tables leave it out, so published parsers
 * that project it (BitSightGraphData) did not bind. Appended, as Microsoft's tables list it; the
 * executor reads it as the table's name (execute/index.ts `scan`).
 */
export function withType(table: TableSchema): TableSchema {
  if (!table.name.endsWith('_CL') || table.columns.some((c) => c.name === 'Type')) return table;
  return { ...table, columns: [...table.columns, { name: 'Type', type: 'string' }] };
}

/**
 * `_ItemId` (string) on the tables that carry Log Analytics' standard columns. Learn "Standard columns
 * in Azure Monitor Logs" (azure-monitor-docs log-standard-columns.md @04f72d4) lists `_ItemId`, "a unique
 * identifier for the record", beside `_IsBillable` and `_BilledSize` as columns common to the data types
 * that have standard columns; it is hidden ("will not show in the schema view"), so the table reference
 * pages the catalog comes from leave it out while they list `_IsBillable`. Its type: ASIM's common
 * fields (EventUid, "typically mapped to the `_ItemId` Log Analytics field", String) and the
 * Azure-Sentinel CI's CustomTables files that declare it (`_ItemId` string). Published UEBA hunting
 * queries join AuditLogs' `_ItemId` with BehaviorAnalytics.SourceRecordId, and ASIM parsers read
 * SecurityEvent's. A table without `_IsBillable` (a CI `_CL` file, a Defender XDR table) keeps what
 * its source declares.
 */
function withItemId(table: TableSchema): TableSchema {
  const has = (name: string) => table.columns.some((c) => c.name === name);
  if (!has('_IsBillable') || has('_ItemId')) return table;
  return { ...table, columns: [...table.columns, { name: '_ItemId', type: 'string' }] };
}

/**
 * `TenantId` (string) on the tables that carry Log Analytics' standard columns. Learn "Standard
 * columns in Azure Monitor Logs" (azure-monitor-docs log-standard-columns.md @04f72d4): "The TenantId
 * column holds the workspace ID for the Log Analytics workspace", a standard column beside
 * `_IsBillable`; a workspace's own `getschema` output lists it first (Azure-Sentinel
 * `Sample Data/ASIM/CommonSecurityLog_Schema.csv` @2f47c06: `TenantId,0,"System.String",string`).
 * 151 reference pages the catalog comes from leave it out while they list `_IsBillable` (Event,
 * Heartbeat, DnsEvents, LinuxAuditLog...), so Microsoft's ASIM parsers that project it away
 * (`vimProcessCreateMicrosoftSysmon`: `project-away ... TenantId` of Event) did not bind.
 */
function withTenantId(table: TableSchema): TableSchema {
  const has = (name: string) => table.columns.some((c) => c.name === name);
  if (!has('_IsBillable') || has('TenantId')) return table;
  return { ...table, columns: [...table.columns, { name: 'TenantId', type: 'string' }] };
}

/** The built-in tables and the parser-output stubs the project does not hide. */
function builtinSources(functions: ReadonlyMap<string, FunctionSchema>): PackedTables[] {
  const dir = builtinCatalogDir();
  // Parser-output stubs stand in for Sentinel's parsers the way its CI validation does; a parser the
  // project defines under the same name replaces the stub, and so does a built-in ASIM parser, which
  // takes the parameters a table stub cannot (`imNetworkSession(starttime=...)`). ci-tables.ndjson
  // holds the CI's later parser-output tables (OktaSSO) and later column lists of stubs (Infoblox),
  // so it comes first (scripts/import-ci-functions.ts).
  const hidden = new Set([...functions.keys(), ...builtinFunctions().keys()]);
  const exclude = [...hidden].sort().join('\n');
  if (builtinStubs?.exclude !== exclude) {
    const tables = ['ci-tables.ndjson', 'stubs.ndjson'].map((file) =>
      PackedTables.open(join(dir, file), PARSER_STUB_FILE, hidden),
    );
    builtinStubs = { exclude, tables };
  }
  return [builtinTableFile(), ...builtinStubs.tables];
}

/**
 * A catalog as plain data for another process. Structured cloning keeps a Map but not TableMap's
 * lazy loading, so a worker would see only the tables the parent happened to load: the built-in
 * sources are reopened on the other side instead (`catalogFromPortable`).
 */
export interface PortableCatalog {
  tables: TableSchema[];
  /** Present when the built-in catalog backs the tables; the plans the project sets. */
  builtin?: { plans: [string, TablePlan][] };
  functions: Map<string, FunctionSchema>;
  watchlists: Map<string, WatchlistSchema>;
}

export function portableCatalog(catalog: Catalog): PortableCatalog {
  const { functions, watchlists } = catalog;
  if (!(catalog.tables instanceof TableMap) || !catalog.tables.hasFallbacks()) {
    return { tables: [...catalog.tables.values()], functions, watchlists };
  }
  const { tables, plans } = catalog.tables.portable();
  return { tables, builtin: { plans }, functions, watchlists };
}

export function catalogFromPortable(portable: PortableCatalog): Catalog {
  const { functions, watchlists } = portable;
  if (!portable.builtin) {
    return { tables: new Map(portable.tables.map((table) => [table.name, table])), functions, watchlists };
  }
  const tables = TableMap.layered(
    portable.tables,
    builtinSources(functions),
    new Map(portable.builtin.plans),
  );
  return {
    tables,
    functions,
    watchlists,
    builtinFunctions: builtinFunctions(),
    builtinWatchlists: builtinWatchlists(),
  };
}

/**
 * Reads every schema the repository's content is checked against: the built-in catalog of
 * Microsoft's tables, `kql/schemas/*.json`, the schema folders of `sentinel-kit.config.yaml` and
 * `options.schemaDirs`, `connectors/<name>/table.json`, `kql/parsers/*.yaml` and
 * `kql/watchlists/*.yaml`. A project table replaces the built-in one of the same name.
 * Throws DiagnosticError listing every malformed file rather than stopping at the first.
 */
export function loadCatalog(root: string, options: CatalogOptions = {}): Catalog {
  const { catalog, problems } = readCatalog(root, options);
  if (problems.length > 0) throw new DiagnosticError([...problems, ...(catalog.warnings ?? [])]);
  return catalog;
}

/**
 * loadCatalog for `validate`, which reports a malformed or twice-defined schema and still checks
 * every content file (issue 12: "a table defined twice gets an error naming both files, and every
 * other error is still reported"): the catalog of the files that are well-formed (of a table
 * defined twice, the first definition read), and the problems of the others.
 */
export function readCatalog(
  root: string,
  options: CatalogOptions = {},
): { catalog: Catalog; problems: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rel = (file: string) => relative(process.cwd(), file) || file;
  const config = readProjectConfig(root, diagnostics);
  const own = new Map<string, TableSchema>();
  const add = (table: TableSchema | undefined) => addTable(own, table, diagnostics);

  const extraDirs = [...config.schemas, ...(options.schemaDirs ?? [])];
  for (const dir of extraDirs.filter((d) => !existsSync(d))) {
    diagnostics.push(
      fileError(
        rel(dir),
        'SK0004',
        'schema folder not found (sentinel-kit.config.yaml schemas or --schemas)',
      ),
    );
  }
  for (const dir of new Set([join(root, 'kql', 'schemas'), ...extraDirs])) {
    for (const file of filesIn(dir, '.json')) add(readTableFile(file, rel(file), diagnostics));
  }
  const connectorsDir = join(root, 'connectors');
  if (existsSync(connectorsDir)) {
    for (const entry of readdirSync(connectorsDir, { withFileTypes: true })) {
      const file = join(connectorsDir, entry.name, 'table.json');
      if (entry.isDirectory() && existsSync(file)) add(readTableFile(file, rel(file), diagnostics));
    }
  }
  const functions = new Map<string, FunctionSchema>();
  for (const file of filesIn(join(root, 'kql', 'parsers'), '.yaml')) {
    const parser = readParserFile(file, rel(file), diagnostics);
    if (parser) functions.set(parser.name, parser);
  }
  const watchlists = new Map<string, WatchlistSchema>();
  for (const file of filesIn(join(root, 'kql', 'watchlists'), '.yaml')) {
    const watchlist = readWatchlistFile(file, rel(file), diagnostics);
    if (watchlist) watchlists.set(watchlist.alias, watchlist);
  }
  const warnings: Diagnostic[] = [];
  if (options.builtin !== false) checkBasicPlans(config, own.values(), warnings);
  const tables = TableMap.layered(
    own.values(),
    options.builtin === false ? [] : builtinSources(functions),
    config.tablePlans,
  );
  if (options.builtin === false) return { catalog: { tables, functions, watchlists }, problems: diagnostics };
  return {
    catalog: {
      tables,
      functions,
      watchlists,
      builtinFunctions: builtinFunctions(),
      builtinWatchlists: builtinWatchlists(),
      warnings,
    },
    problems: diagnostics,
  };
}

/**
 * A plan of Basic, set in the config file or a schema, for an Azure table that does not support it.
 * A warning, not an error: the list is a dated copy of Microsoft's page (catalog/basic-plan.json), and
 * Microsoft adds tables to it, so a table missing from our copy may support Basic today.
 */
function checkBasicPlans(config: ProjectConfig, own: Iterable<TableSchema>, diagnostics: Diagnostic[]): void {
  const packed = builtinTableFile();
  const isAzureTable = (name: string) => packed.has(name);
  for (const [table, plan] of config.tablePlans) {
    const refusal = plan === 'Basic' ? basicPlanRefusal(table, isAzureTable) : undefined;
    const at = config.tablePlanAt.get(table);
    if (refusal && at) diagnostics.push({ code: 'SK0005', severity: 'warning', message: refusal, ...at });
  }
  for (const table of own) {
    const refusal = table.plan === 'Basic' ? basicPlanRefusal(table.name, isAzureTable) : undefined;
    if (refusal)
      diagnostics.push({ ...fileError(table.file ?? table.name, 'SK0005', refusal), severity: 'warning' });
  }
}

function filesIn(dir: string, extension: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => join(dir, name));
}

/** Log Analytics table names are unique case-insensitively, so `Foo_CL` and `foo_CL` clash. */
function addTable(
  tables: Map<string, TableSchema>,
  table: TableSchema | undefined,
  diagnostics: Diagnostic[],
): void {
  if (!table) return;
  const key = table.name.toLowerCase();
  const existing = tables.get(key);
  if (existing) {
    diagnostics.push({
      code: 'SK0003',
      severity: 'error',
      message: `table '${table.name}' is defined twice: in ${existing.file} and in ${table.file}`,
      file: table.file,
      line: 1,
      column: 1,
    });
    return;
  }
  tables.set(key, table);
}

function readTableFile(path: string, file: string, diagnostics: Diagnostic[]): TableSchema | undefined {
  let raw: unknown;
  try {
    raw = parseCiJson(readFileSync(path, 'utf8'));
  } catch (error) {
    diagnostics.push(fileError(file, 'SK0001', `not valid JSON: ${(error as Error).message}`));
    return undefined;
  }
  const table = (isCustomTablesFile(raw) ? fromCustomTablesFile(raw) : raw) as Partial<TableSchema>;
  if (typeof table?.name !== 'string' || !Array.isArray(table.columns)) {
    diagnostics.push(
      fileError(
        file,
        'SK0002',
        'a table schema needs "name" (string) and "columns" (array), or, in the Azure-Sentinel ' +
          'CustomTables format, "Name" and "Properties"',
      ),
    );
    return undefined;
  }
  if (table.plan !== undefined && !tablePlans.includes(table.plan)) {
    diagnostics.push(fileError(file, 'SK0002', `"plan" must be one of ${tablePlans.join(', ')}`));
  }
  const columns = checkColumns(table.columns, file, `table '${table.name}'`, diagnostics);
  const plan = tablePlans.includes(table.plan as TablePlan) ? table.plan : undefined;
  return { name: table.name, description: table.description, columns, ...(plan ? { plan } : {}), file };
}

/** The Azure-Sentinel CI's `.script/tests/KqlvalidationsTests/CustomTables/*.json` shape. */
interface CustomTablesFile {
  Name: string;
  Properties: unknown[];
}

function isCustomTablesFile(raw: unknown): raw is CustomTablesFile {
  return typeof raw === 'object' && raw !== null && 'Name' in raw && 'Properties' in raw && !('name' in raw);
}

/**
 * .NET and Kusto type names as the CustomTables files write them (String, DateTime, Int32, Double,
 * SByte...), case-insensitively; an unknown name is kept so checkColumns reports it.
 */
const customTableTypes: Record<string, KqlType> = {
  string: 'string',
  datetime: 'datetime',
  date: 'datetime',
  int: 'int',
  int32: 'int',
  integer: 'int',
  long: 'long',
  int64: 'long',
  bigint: 'long',
  real: 'real',
  double: 'real',
  float: 'real',
  bool: 'bool',
  boolean: 'bool',
  sbyte: 'bool',
  dynamic: 'dynamic',
  object: 'dynamic',
  guid: 'guid',
  uniqueidentifier: 'guid',
  timespan: 'timespan',
  decimal: 'decimal',
};

/** The KQL type of a .NET or Kusto type name in the Azure-Sentinel CI's files, or undefined. */
export function sentinelCiType(name: string): KqlType | undefined {
  return customTableTypes[name.toLowerCase().replace(/[\s`]/g, '')];
}

function fromCustomTablesFile(raw: CustomTablesFile): Partial<TableSchema> {
  if (!Array.isArray(raw.Properties)) return { name: raw.Name };
  const columns = raw.Properties.map((p) => {
    const given = ciField(p, 'Type');
    const type = typeof given === 'string' ? given : '';
    return { name: ciField(p, 'Name'), type: sentinelCiType(type) ?? type };
  });
  return { name: raw.Name, columns: columns as ColumnSchema[] };
}

function checkColumns(
  columns: unknown[],
  file: string,
  owner: string,
  diagnostics: Diagnostic[],
): ColumnSchema[] {
  const seen = new Set<string>();
  const valid: ColumnSchema[] = [];
  for (const column of columns as Partial<ColumnSchema>[]) {
    if (typeof column?.name !== 'string' || !kqlTypes.includes(column.type as KqlType)) {
      diagnostics.push(
        fileError(
          file,
          'SK0002',
          `${owner}: column ${JSON.stringify(column)} needs a name and a KQL type (${kqlTypes.join(', ')})`,
        ),
      );
      continue;
    }
    if (seen.has(column.name)) {
      diagnostics.push(fileError(file, 'SK0003', `${owner}: column '${column.name}' is declared twice`));
      continue;
    }
    seen.add(column.name);
    valid.push({ name: column.name, type: column.type as KqlType, description: column.description });
  }
  return valid;
}

function readYaml(
  path: string,
  file: string,
  diagnostics: Diagnostic[],
): Record<string, unknown> | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter });
  reportUnresolvedAliases(doc);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      diagnostics.push({
        code: 'SK0001',
        severity: 'error',
        message: error.message,
        file,
        line,
        column: col,
      });
    }
    return undefined;
  }
  const value = documentToJs(doc);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(fileError(file, 'SK0002', 'expected a YAML mapping at the top level'));
    return undefined;
  }
  return value as Record<string, unknown>;
}

function readParserFile(path: string, file: string, diagnostics: Diagnostic[]): FunctionSchema | undefined {
  const doc = readYaml(path, file, diagnostics);
  if (!doc) return undefined;
  if (typeof doc.functionName !== 'string' || typeof doc.query !== 'string') {
    diagnostics.push(fileError(file, 'SK0002', 'a parser needs "functionName" and "query" (strings)'));
    return undefined;
  }
  const parameters = Array.isArray(doc.parameters) ? (doc.parameters as FunctionParameter[]) : [];
  return {
    name: doc.functionName,
    description: typeof doc.description === 'string' ? doc.description : undefined,
    parameters: parameters.map((p) => ({ name: String(p.name), type: p.type, default: p.default })),
    body: doc.query,
    file,
  };
}

/** A kql/watchlists/*.yaml file, checked (watchlistSchema); problems are added to `diagnostics`. */
export function readWatchlistFile(
  path: string,
  file: string,
  diagnostics: Diagnostic[],
): WatchlistSchema | undefined {
  const doc = readYaml(path, file, diagnostics);
  return doc ? watchlistSchema(doc, file, diagnostics) : undefined;
}

/**
 * A watchlist document (watchlistAlias, itemsSearchKey, columns, items), checked: the search key
 * is one of the columns and every column has a name and a KQL type, once.
 */
export function watchlistSchema(
  doc: Record<string, unknown>,
  file: string,
  diagnostics: Diagnostic[],
): WatchlistSchema | undefined {
  const { watchlistAlias, itemsSearchKey, columns, items } = doc;
  if (typeof watchlistAlias !== 'string' || typeof itemsSearchKey !== 'string' || !Array.isArray(columns)) {
    diagnostics.push(
      fileError(file, 'SK0002', 'a watchlist needs "watchlistAlias", "itemsSearchKey" and "columns"'),
    );
    return undefined;
  }
  const checked = checkColumns(columns, file, `watchlist '${watchlistAlias}'`, diagnostics);
  if (!checked.some((c) => c.name === itemsSearchKey)) {
    diagnostics.push(
      fileError(
        file,
        'SK0002',
        `watchlist '${watchlistAlias}': itemsSearchKey '${itemsSearchKey}' is not a column`,
      ),
    );
  }
  return {
    alias: watchlistAlias,
    displayName: typeof doc.displayName === 'string' ? doc.displayName : undefined,
    description: typeof doc.description === 'string' ? doc.description : undefined,
    searchKey: itemsSearchKey,
    columns: checked,
    items: Array.isArray(items) ? (items as Record<string, unknown>[]) : [],
    file,
  };
}

function fileError(file: string, code: string, message: string): Diagnostic {
  return { code, severity: 'error', message, file, line: 1, column: 1 };
}
