// Builds catalog/ci-functions.json and catalog/ci-tables.ndjson from the Azure-Sentinel KQL
// validation CI's own schema folders, so what that CI accepts, `validate` accepts:
// - `.script/tests/KqlvalidationsTests/CustomFunctions/*.json`
//   (`{"FunctionName", "FunctionParameters":[{"Name","Type","Default"?}], "FunctionResultColumns":[{"Name","Type"}]}`;
//   some files write the keys in lower case): functions Solutions ship as parsers (MSBizAppsNetworkAddresses...),
//   loaded by the CI's CustomJsonDirectoryFunctionsLoader (KqlValidationTests.cs);
// - `.script/tests/KqlvalidationsTests/CustomTables/*.json` whose table is in neither tables.ndjson nor
//   stubs.ndjson and is not a `_CL` table: parser outputs the CI treats as tables (OktaSSO), newer than the
//   snapshot scripts/import-catalog.ts took;
// - CustomFunctions files that declare a parser the catalog already has as a stub (SophosXGFirewall,
//   Snowflake): the stub stays a table, with the function's result columns added (ci-tables.ndjson).
// - CustomTables files that `monitor-pages.json` beside them names (file -> Azure Monitor reference page): tables
//   Azure Monitor documents though they lack `_CL` (CrowdStrikeDetections), added to tables.ndjson, not as outputs.
// A `commits.json` beside the files (file name -> commit) records where each came from in
// catalog/provenance.json (`ciFunctions`, `ciTables`); `--commit <sha>` gives one commit for a checkout.
// `--merge` reads the folders as a partial copy (files fetched one by one, as the search tools give
// them): what an earlier run imported from a file the folders do not hold is kept, with its record.
// Usage: npx tsx scripts/import-ci-functions.ts <CustomFunctions dir> [<CustomTables dir>] [--commit <sha>] [--merge]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWorkspaceTables } from '../src/content/workspace-tables.js';
import { builtinAsimParsers } from '../src/kql/asim.js';
import {
  type ColumnSchema,
  type FunctionParameter,
  sentinelCiType,
  type TableSchema,
} from '../src/kql/catalog.js';
import { builtinCatalogDir, PackedTables, readPackedFile } from '../src/kql/packed-tables.js';
import { ciField, parseCiJson } from '../src/kql/sentinel-ci-json.js';
import { pack } from './import-catalog.js';

const REPO = 'Azure/Azure-Sentinel';
const FOLDER = '.script/tests/KqlvalidationsTests';

export interface CiFunction {
  name: string;
  parameters: FunctionParameter[];
  columns: ColumnSchema[];
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The columns of a CI file, and notes on those left out: names with a wildcard (`Session*` in
 * AWSCloudTrail.json, which no query can reference as a column) and type names with no KQL type
 * (`binary`), which would need a guess.
 */
export function ciColumns(raw: unknown[], notes: string[]): ColumnSchema[] {
  const columns = new Map<string, ColumnSchema>();
  for (const entry of raw) {
    const name = ciField(entry, 'Name');
    const typeName = String(ciField(entry, 'Type') ?? '');
    const type = sentinelCiType(typeName);
    if (typeof name !== 'string' || name.includes('*') || !type) {
      notes.push(`column ${JSON.stringify(name)} of type ${JSON.stringify(typeName)} left out`);
      continue;
    }
    if (!columns.has(name)) columns.set(name, { name, type });
  }
  return [...columns.values()];
}

/**
 * A parameter the file gives no `Default` still binds as optional: the CI's loaders set
 * `IsRequired = false` on the parameters they read (ParsersCustomJsonDirectoryFunctionsLoader.cs,
 * CommonFunctionsLoader.cs), so a call may leave it out; a typed null stands in for the value.
 */
function ciParameter(entry: unknown, notes: string[]): FunctionParameter | undefined {
  const name = ciField(entry, 'Name');
  const typeName = String(ciField(entry, 'Type') ?? '');
  const type = sentinelCiType(typeName);
  if (typeof name !== 'string' || !type) {
    notes.push(`parameter ${JSON.stringify(name)} of type ${JSON.stringify(typeName)} not understood`);
    return undefined;
  }
  const given = ciField(entry, 'Default');
  const fallback = type === 'string' ? "''" : `${type}(null)`;
  return { name, type, default: typeof given === 'string' && given !== '' ? given : fallback };
}

/** One CustomFunctions file, or the reason it cannot be imported. */
export function readCiFunction(raw: unknown): { fn?: CiFunction; notes: string[] } {
  const notes: string[] = [];
  const name = ciField(raw, 'FunctionName');
  if (typeof name !== 'string') return { notes: ['no FunctionName'] };
  const resultColumns = list(ciField(raw, 'FunctionResultColumns'));
  // A function with no result columns may be scalar or tabular; the file does not say which.
  if (resultColumns.length === 0) return { notes: ['no FunctionResultColumns'] };
  const parameters = list(ciField(raw, 'FunctionParameters')).map((p) => ciParameter(p, notes));
  if (parameters.some((p) => !p)) return { notes };
  const columns = ciColumns(resultColumns, notes);
  return { fn: { name, parameters: parameters as FunctionParameter[], columns }, notes };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'commits.json' && f !== MONITOR_PAGES_FILE)
    .sort();
}

/**
 * The table a CustomTables file declares. Most files are `{"Name", "Properties": [{"Name","Type"}]}`;
 * some are a workspace table resource as a data connector deploys it, columns under
 * `properties.schema.columns` (CustomTables/SINECSecurityGuard_CL.json @3707420), read as
 * import-solution-tables reads those (src/content/workspace-tables.ts).
 */
function ciTableOf(raw: unknown): Omit<Declaration, 'source'> | undefined {
  const name = ciField(raw, 'Name');
  const properties = ciField(raw, 'Properties');
  if (typeof name === 'string' && Array.isArray(properties)) {
    const notes: string[] = [];
    return { name, columns: ciColumns(properties, notes), notes };
  }
  const [table, ...more] = readWorkspaceTables(raw);
  return table && more.length === 0 ? table : undefined;
}

/** A folder's `commits.json` (file name -> commit) as a lookup, `commit` for the files it does not name. */
export function commitsOf(dir: string, commit: string | undefined): (file: string) => string | undefined {
  const file = join(dir, 'commits.json');
  const map = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  return (name) => map[name] ?? commit;
}

/**
 * Beside a CustomTables folder, `monitor-pages.json` (file name -> Azure Monitor reference page, as
 * `path@commit`) names the files that declare a table Azure Monitor documents, whose page only
 * includes its columns from a file the index does not hold (crowdstrikedetections.md @2a9862c:
 * `[!INCLUDE [crowdstrikedetections](~/reusable-content/...)]`). Such a name is a Microsoft table,
 * not a parser's output, though it lacks the `_CL` suffix: it joins tables.ndjson with the CI's columns.
 */
export const MONITOR_PAGES_FILE = 'monitor-pages.json';

function monitorPagesOf(dir: string): Map<string, string> {
  const file = join(dir, MONITOR_PAGES_FILE);
  return new Map(
    existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : [],
  );
}

export type CiTables = Record<
  string,
  { repo: string; path: string; commit?: string; added: string; notes?: string[] }
>;

const fileOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The records of an earlier run whose file the (partial) folder does not hold: kept as they were. */
function keptFromEarlierRuns<T extends { path: string }>(
  previous: Record<string, T>,
  files: readonly string[],
): Record<string, T> {
  const here = new Set(files);
  return Object.fromEntries(Object.entries(previous).filter(([, entry]) => !here.has(fileOf(entry.path))));
}

/**
 * CustomTables files the built-in catalog lacks or has fewer columns of: a Microsoft table of
 * tables.ndjson gets the columns only the CI's file has (the CI binds rules against its file); a
 * `_CL` table the catalog lacks is added to tables.ndjson; any other name is a parser's output the
 * CI declares as a table (OktaSSO), written to ci-tables.ndjson and run as a `parser-output`, with
 * the columns of an older stub of stubs.ndjson where there is one.
 * `previous`: the last run's record, so tables it added count as the CI's, not Microsoft's.
 */
export function importTables(
  tablesDir: string,
  commit: string | undefined,
  previous: CiTables = {},
  dir = builtinCatalogDir(),
  merge = false,
  functionsDir?: string,
): CiTables {
  const tablesFile = join(dir, 'tables.ndjson');
  const microsoft = readPackedFile(tablesFile);
  const files = jsonFiles(tablesDir);
  const stubs = PackedTables.open(join(dir, 'stubs.ndjson'), '');
  const stubFunctions = functionsDir ? stubNamedFunctions(functionsDir, stubs, commit) : [];
  const record: CiTables = merge
    ? keptFromEarlierRuns(previous, [...files, ...stubFunctions.map((d) => fileOf(d.source.path))])
    : {};
  const documented = documentedColumns(dir, microsoft);
  for (const [name, entry] of Object.entries(previous)) {
    if (entry.added === 'table' && !record[name]) microsoft.delete(name);
  }
  const added = new Map<string, TableSchema>();
  const outputsFile = join(dir, 'ci-tables.ndjson');
  const earlierOutputs = merge && existsSync(outputsFile) ? readPackedFile(outputsFile) : new Map();
  const parserOutputs = new Map<string, TableSchema>();
  const monitorPages = monitorPagesOf(tablesDir);
  const monitorPageNote = (page: string) =>
    `Azure Monitor documents the table (${page}); its page includes the columns from a file the index lacks`;
  for (const [name, entry] of Object.entries(record)) {
    const table = earlierOutputs.get(name);
    if (!table) continue;
    // An earlier run's file (AWSSecurityHubFindings.json) that monitor-pages.json now names: its
    // columns move from the parser outputs to tables.ndjson, without fetching the file again.
    const page = entry.added === 'parser output' ? monitorPages.get(fileOf(entry.path)) : undefined;
    if (page) {
      added.set(name, table);
      record[name] = { ...entry, added: 'table', notes: [monitorPageNote(page), ...(entry.notes ?? [])] };
    } else parserOutputs.set(name, table);
  }
  const tableCommit = commitsOf(tablesDir, commit);
  const declarations: Declaration[] = [...stubFunctions];
  for (const file of files) {
    const declared = ciTableOf(parseCiJson(readFileSync(join(tablesDir, file), 'utf8')));
    // A file that names no column declares nothing a query can bind: writing it would add a table
    // without columns, on which every rule reading the table fails (KS142) though the file is there.
    if (!declared || declared.columns.length === 0) continue;
    const source = { repo: REPO, path: `${FOLDER}/CustomTables/${file}`, commit: tableCommit(file) };
    declarations.push({ ...declared, source });
  }
  for (const { name, columns, notes, source } of declarations) {
    const own = microsoft.get(name);
    const stub = stubs.get(name);
    if (stub) {
      // The CI's file is newer than the stub's snapshot (Infoblox gained SrcIpAddr): the union,
      // which ci-tables.ndjson serves ahead of stubs.ndjson (and grows if another file declares it too).
      const earlier = parserOutputs.get(name);
      const known = earlier ?? stub;
      const have = new Set(known.columns.map((c) => c.name));
      const extra = columns.filter((c) => !have.has(c.name));
      if (extra.length === 0) continue;
      parserOutputs.set(name, { name, columns: [...known.columns, ...extra] });
      notes.unshift(`columns added to the parser-output stub: ${extra.map((c) => c.name).join(', ')}`);
      const before = earlier && record[name];
      if (before && before.path !== source.path) notes.push(`with the columns ${before.path} added before`);
      record[name] = { ...source, added: 'parser output', notes };
    } else if (own) {
      const have = new Set(own.columns.map((c) => c.name));
      const extra = columns.filter((c) => !have.has(c.name));
      // Columns an earlier run added are in tables.ndjson now; its record still says where they came from.
      if (extra.length === 0) {
        if (previous[name]?.added === 'columns') record[name] = previous[name];
        continue;
      }
      microsoft.set(name, { ...own, columns: [...own.columns, ...extra] });
      notes.unshift(`columns added: ${extra.map((c) => c.name).join(', ')}`);
      record[name] = { ...source, added: 'columns', notes };
    } else if (name.endsWith('_CL') || monitorPages.has(fileOf(source.path))) {
      const kept = (documented.get(name) ?? []).filter((c) => !columns.some((own) => own.name === c.name));
      added.set(name, { name, columns: [...columns, ...kept] });
      const page = monitorPages.get(fileOf(source.path));
      if (page) notes.unshift(monitorPageNote(page));
      record[name] = { ...source, added: 'table', ...(notes.length > 0 ? { notes } : {}) };
    } else {
      parserOutputs.set(name, { name, columns });
      record[name] = { ...source, added: 'parser output', ...(notes.length > 0 ? { notes } : {}) };
    }
  }
  writeFileSync(tablesFile, pack([...microsoft.values(), ...added.values()]));
  writeFileSync(join(dir, 'ci-tables.ndjson'), pack([...parserOutputs.values()]));
  return record;
}

/**
 * Columns of the catalog's tables that another source recorded in provenance.json `tables` added
 * (scripts/import-xdr-tables.ts, import-solution-tables.ts: `added_columns`), so a `_CL` table this
 * script re-reads from the CI's file keeps them.
 */
function documentedColumns(
  dir: string,
  tables: ReadonlyMap<string, TableSchema>,
): Map<string, ColumnSchema[]> {
  const file = join(dir, 'provenance.json');
  const recorded = existsSync(file)
    ? ((
        JSON.parse(readFileSync(file, 'utf8')) as {
          tables?: Record<string, { sources?: { added_columns?: string[] }[] }>;
        }
      ).tables ?? {})
    : {};
  const out = new Map<string, ColumnSchema[]>();
  for (const [name, entry] of Object.entries(recorded)) {
    const names = new Set((entry.sources ?? []).flatMap((s) => s.added_columns ?? []));
    const columns = tables.get(name)?.columns.filter((c) => names.has(c.name)) ?? [];
    if (columns.length > 0) out.set(name, columns);
  }
  return out;
}

interface Declaration {
  name: string;
  columns: ColumnSchema[];
  notes: string[];
  source: { repo: string; path: string; commit?: string };
}

/**
 * CustomFunctions files that declare, as a function, a parser whose output the catalog has as a
 * stub (SophosXGFirewall.json: 7 result columns where the stub has 5). The CI binds a call to the
 * function's columns, so they join the stub's like a CustomTables file of that name.
 */
function stubNamedFunctions(
  functionsDir: string,
  stubs: PackedTables,
  commit: string | undefined,
): Declaration[] {
  const functionCommit = commitsOf(functionsDir, commit);
  return jsonFiles(functionsDir).flatMap((file) => {
    const { fn, notes } = readCiFunction(parseCiJson(readFileSync(join(functionsDir, file), 'utf8')));
    if (!fn || !stubs.has(fn.name)) return [];
    const source = { repo: REPO, path: `${FOLDER}/CustomFunctions/${file}`, commit: functionCommit(file) };
    return [{ name: fn.name, columns: fn.columns, notes, source }];
  });
}

export interface CiFunctionRecord {
  files: Record<string, { path: string; commit?: string; notes?: string[] }>;
  skipped: Record<string, string[]>;
}

/**
 * The CustomFunctions files of a folder, as catalog/ci-functions.json and its provenance record.
 * `merge`: the folder is a partial copy, so the functions, records and skips an earlier run took
 * from files it does not hold are kept (`earlier` is that run's record, its functions are in `dir`).
 */
export function importFunctions(
  functionsDir: string,
  commit: string | undefined,
  earlier: CiFunctionRecord = { files: {}, skipped: {} },
  dir = builtinCatalogDir(),
  merge = false,
): CiFunctionRecord {
  const folder = jsonFiles(functionsDir);
  const files = merge ? keptFromEarlierRuns(earlier.files, folder) : {};
  const here = new Set(folder);
  const skipped: Record<string, string[]> = merge
    ? Object.fromEntries(Object.entries(earlier.skipped).filter(([file]) => !here.has(file)))
    : {};
  const earlierFile = join(dir, 'ci-functions.json');
  const functions: CiFunction[] =
    merge && existsSync(earlierFile)
      ? (JSON.parse(readFileSync(earlierFile, 'utf8')) as { functions: CiFunction[] }).functions.filter(
          (fn) => files[fn.name],
        )
      : [];
  const asim = builtinAsimParsers();
  const builtinTables = PackedTables.open(join(dir, 'tables.ndjson'), '');
  const stubs = PackedTables.open(join(dir, 'stubs.ndjson'), '');
  const functionCommit = commitsOf(functionsDir, commit);
  for (const file of folder) {
    const source = { repo: REPO, path: `${FOLDER}/CustomFunctions/${file}`, commit: functionCommit(file) };
    const { fn, notes } = readCiFunction(parseCiJson(readFileSync(join(functionsDir, file), 'utf8')));
    // catalog/asim.json takes its parameters from the parser YAMLs; the CI's sample files type
    // every ASIM filter as datetime (_Im_Dns.json), so the ASIM entry stays.
    if (fn && asim.has(fn.name))
      notes.push('an ASIM parser of catalog/asim.json has this name; that one is kept');
    // A Microsoft table of the same name (AWSCloudTrail) is what a workspace has: kept. A parser-output
    // stub of the same name (Snowflake, SophosXGFirewall) stays what the catalog serves, with the
    // function's columns added to it (importTables).
    const table = fn && (builtinTables.has(fn.name) || stubs.has(fn.name));
    if (fn && builtinTables.has(fn.name))
      notes.push('a table of the catalog has this name; that one is kept');
    else if (table)
      notes.push("a parser-output stub of the catalog has this name; the function's columns join it");
    if (!fn || asim.has(fn.name) || table) {
      skipped[file] = notes;
      continue;
    }
    // A function an earlier run took from another file of the same name gives way to this one.
    const earlierAt = functions.findIndex((known) => known.name === fn.name);
    if (earlierAt >= 0) functions.splice(earlierAt, 1);
    functions.push(fn);
    files[fn.name] = notes.length > 0 ? { ...source, notes } : source;
  }
  functions.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(earlierFile, `${JSON.stringify({ functions })}\n`);
  return { files, skipped };
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--commit');
  const commit = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const mergeAt = args.indexOf('--merge');
  const merge = mergeAt >= 0 && args.splice(mergeAt, 1).length > 0;
  const [functionsDir, tablesDir] = args;
  if (!functionsDir)
    throw new Error('usage: import-ci-functions.ts <CustomFunctions dir> [<CustomTables dir>] [--merge]');
  const dir = builtinCatalogDir();
  const provenanceFile = join(dir, 'provenance.json');
  const all = JSON.parse(readFileSync(provenanceFile, 'utf8')) as Record<string, unknown>;
  const functions = importFunctions(functionsDir, commit, all.ciFunctions as CiFunctionRecord, dir, merge);
  const tables = tablesDir
    ? importTables(tablesDir, commit, all.ciTables as CiTables | undefined, dir, merge, functionsDir)
    : {};
  all.ciFunctions = functions;
  if (tablesDir) all.ciTables = tables;
  writeFileSync(provenanceFile, JSON.stringify(all, null, 1));
  console.log(
    `${Object.keys(functions.files).length} functions, ${Object.keys(functions.skipped).length} skipped, ${Object.keys(tables).length} tables`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
