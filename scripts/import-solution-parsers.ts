// Builds catalog/solution-parsers.json from published Solution parsers, so a rule calling one runs
// the real body over the tables it reads instead of being refused once the data has rows:
// - `Solutions/<name>/Parsers/*.yaml` of Azure/Azure-Sentinel (`FunctionName`, `FunctionAlias`,
//   `FunctionQuery`, optional `FunctionParams: [{Name, Type, Default}]`), copied one file per parser
//   into a folder, with a `sources.json` beside them: file name -> {"path", "commit"} in that repo.
// Each body is bound by Kusto.Language against the built-in catalog (its parameters as `let`s of
// their defaults); a body that does not bind (a table the catalog lacks, a column it does not
// have) is left out and said so, and the call stays known by its columns only. A body that binds
// but lacks columns the CI's parser-output table declares (over columns the catalog's tables lack)
// is kept with those columns as `unproduced`: calls bind with the CI's columns and the engine runs
// the body, refusing a query that observes an unproduced column (src/kql/lower/parser-body.ts).
// Parsers imported by an earlier run and not in the folder are kept (the folder is a partial copy,
// as the search tools give files one by one); a file of the folder replaces the entry of its name.
// A Solution's `Package/mainTemplate.json` in the folder at its repository path (optional; the whole
// file, or a copy keeping its `savedSearches` resources), with its commit in sources.json under that
// path, gives the function aliases the package deploys, read as `validate` and `import` read them
// (src/content/solution-package.ts), so a parser is held under the name the package gives it.
// Usage: npx tsx scripts/import-solution-parsers.ts <folder of parser YAMLs>
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  isParserProblem,
  isRecord,
  type ParserDeployment,
  readParserFields,
} from '../src/content/azure-sentinel-parser.js';
import { parserDeployment, solutionPackage } from '../src/content/solution-package.js';
import { builtinAsimParsers } from '../src/kql/asim.js';
import { type Catalog, type ColumnSchema, type FunctionParameter, loadCatalog } from '../src/kql/catalog.js';
import { builtinCatalogDir, PackedTables } from '../src/kql/packed-tables.js';
import { boundReferences } from '../src/kql/references.js';
import {
  type BodyNotHeld,
  notHeldFunction,
  type ParserSource,
  type PublishedParser,
  type PublishedParsersFile,
  publishedFunction,
  SOLUTION_PARSERS_FILE,
  standaloneBody,
} from '../src/kql/solution-parsers.js';
import { analyze, resultSchema } from '../src/kql/syntax/analyze.js';

const REPO = 'Azure/Azure-Sentinel';

/**
 * A parser's fields (src/content/azure-sentinel-parser.ts reads every shape), under the name its
 * query is deployed as: a Solution parser's FunctionAlias; an ASIM file's (`Parsers/ASim<Schema>/
 * Parsers/*.yaml`) built-in name where Sentinel has that name built in (`_Im_WebSession`, the name
 * rules call; catalog/asim.json), else its ParserName, the name a unifying parser's body calls
 * (`vimWebSessionNative`); an ASIM library function's (`ASIM/lib/functions/*.yaml`) built-in name
 * (`EquivalentBuiltInFunction: _ASIM_ResolveDvcFQDN`, the name parser bodies invoke). `aliases`: the
 * ParserName too when catalog/asim.json knows it as well (`imProcessCreate`, the workspace-deployed
 * form of `_Im_ProcessCreate` that rules also call), so both run the one body. A repository parser
 * has no place in the catalog; nor has a tabular parameter, except in an ASIM library function,
 * which parser bodies call with `invoke` (its input is the piped table).
 */
function solutionParser(
  doc: unknown,
  deployment?: ParserDeployment,
): {
  name?: string;
  aliases?: string[];
  body?: string;
  parameters?: FunctionParameter[];
  reason?: string;
  packaged?: boolean;
} {
  const fields = isRecord(doc) ? readParserFields(doc, deployment) : undefined;
  if (!fields || (!isParserProblem(fields) && fields.shape === 'repository'))
    return { reason: 'no FunctionAlias/FunctionName/ParserName or FunctionQuery/ParserQuery' };
  if (isParserProblem(fields)) return { name: fields.name, reason: fields.problem };
  const builtin = isRecord(doc) ? doc.EquivalentBuiltInParser : undefined;
  const builtinFunction = isRecord(doc) ? doc.EquivalentBuiltInFunction : undefined;
  const asimBuiltin =
    fields.shape === 'asim' && typeof builtin === 'string' && builtinAsimParsers().has(builtin);
  const library = typeof builtinFunction === 'string' && /^_ASIM_\w+$/.test(builtinFunction);
  const name = asimBuiltin ? builtin : library ? builtinFunction : fields.functionName;
  const aliases = asimBuiltin && builtinAsimParsers().has(fields.functionName) ? [fields.functionName] : [];
  const tabular = fields.parameters.find((p) => p.type === 'table');
  if (tabular && !library) return { name, reason: `tabular parameter ${tabular.name}` };
  return {
    name,
    aliases,
    body: fields.query,
    parameters: fields.parameters,
    packaged: fields.packaged === true,
  };
}

/** One parser YAML as a catalog entry, or why it cannot be one. */
export function readParser(
  text: string,
  source: ParserSource,
  catalog: Catalog,
  packaged?: { deployment: ParserDeployment; source: ParserSource },
): { name?: string; parser?: PublishedParser; aliases?: string[]; reason?: string } {
  const {
    name,
    aliases,
    body,
    parameters,
    reason,
    packaged: byPackage,
  } = solutionParser(parse(text), packaged?.deployment);
  if (name === undefined || body === undefined || parameters === undefined) return { name, reason };
  const { code, diagnostics } = analyze(standaloneBody({ body, parameters: asLets(parameters) }), catalog);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { name, reason: `does not bind: ${errors[0].code} ${errors[0].message}` };
  const bound = resultSchema(code);
  if (!bound) return { name, reason: 'the body does not end in a table' };
  // A function over a piped table has the columns of each input, not columns of its own.
  const columns = parameters.some((p) => p.type === 'table') ? [] : bound;
  const read = new Set(
    boundReferences(code, catalog).tables.flatMap(
      (t) => catalog.tables.get(t)?.columns.map((c) => c.name) ?? [],
    ),
  );
  // A built-in name's calls bind by the parameters catalog/asim.json declares for it (the current
  // built-in's); a body of another version that lacks some would turn calls using them into binding
  // errors (`_Im_Authentication(eventresult='Success')` against imAuthentication.yaml 0.2.2, which
  // takes only targetusername_has), so the name keeps its declaration.
  const lacking = parametersMissing(name, parameters);
  if (lacking.length > 0)
    return {
      name,
      reason: `the built-in ${name} takes parameters this version lacks (${lacking.join(', ')})`,
    };
  const unproduced = declaredColumnsMissing(name, columns).filter((c) => !read.has(c));
  const parser: PublishedParser = {
    name,
    parameters,
    body,
    columns,
    source,
    ...(byPackage && packaged ? { deployedAs: packaged.source } : {}),
  };
  // An alias binds by the body's columns too, so it is kept only where the CI declares none the
  // body lacks under that name (`imProcessCreate` is also a parser-output stub table), and none of
  // the parameters the built-in declares under it.
  const kept = (aliases ?? []).filter(
    (alias) =>
      declaredColumnsMissing(alias, columns).filter((c) => !read.has(c)).length === 0 &&
      parametersMissing(alias, parameters).length === 0,
  );
  if (unproduced.length === 0) return { name, parser, ...(kept.length ? { aliases: kept } : {}) };
  // Binding the body's columns would turn rules the CI accepts into binding errors: the name keeps
  // binding with the CI's columns, and the body runs beside them.
  if (!declaredByCi(name))
    return {
      name,
      reason: `the columns the body lacks (${unproduced.join(', ')}) are declared by catalog/asim.json (a built-in ASIM parser keeps its declaration)`,
    };
  return { name, parser: { ...parser, unproduced } };
}

/**
 * The parameters as the `let`s a body is bound with on its own: a tabular one as an empty table with
 * TimeGenerated, the one column the ASIM library functions require of their input
 * (ASIM/lib/functions/ASIM_ResolveFQDN.yaml: `T: table:(TimeGenerated:datetime)`).
 */
function asLets(parameters: FunctionParameter[]): FunctionParameter[] {
  return parameters.map((p) =>
    p.type === 'table' ? { ...p, default: 'datatable(TimeGenerated:datetime)[]' } : p,
  );
}

/**
 * The columns the Azure-Sentinel CI declares for this parser (its CustomFunctions entry, a
 * parser-output table, or the ASIM schema) that the body's result lacks. One the body's input tables
 * have, the body drops (`project-away`), in Azure too; one they lack means the catalog's tables are
 * less complete than the CI's view of them, and binding the body would turn rules the CI accepts
 * into binding errors, so such a parser stays known by the CI's columns.
 */
function declaredColumnsMissing(name: string, columns: readonly ColumnSchema[]): string[] {
  const have = new Set(columns.map((c) => c.name));
  return (ciDeclaredColumns(name) ?? []).map((c) => c.name).filter((c) => !have.has(c));
}

/** The parameters catalog/asim.json declares for a built-in ASIM name that `parameters` lack. */
function parametersMissing(name: string, parameters: readonly FunctionParameter[]): string[] {
  const have = new Set(parameters.map((p) => p.name));
  return (builtinAsimParsers().get(name)?.parameters ?? []).map((p) => p.name).filter((p) => !have.has(p));
}

function ciDeclaredColumns(name: string, dir = builtinCatalogDir()): ColumnSchema[] | undefined {
  return declaredFunctionColumns(name, dir) ?? stubTable(name, dir)?.columns;
}

function declaredFunctionColumns(name: string, dir: string): ColumnSchema[] | undefined {
  return ciFunctionColumns(name, dir) ?? builtinAsimParsers().get(name)?.columns;
}

function ciFunctionColumns(name: string, dir: string): ColumnSchema[] | undefined {
  const ci = JSON.parse(readFileSync(join(dir, 'ci-functions.json'), 'utf8')) as {
    functions: { name: string; columns: ColumnSchema[] }[];
  };
  return ci.functions.find((f) => f.name === name)?.columns;
}

function stubTable(name: string, dir: string) {
  for (const file of ['ci-tables.ndjson', 'stubs.ndjson']) {
    const table = PackedTables.open(join(dir, file), '').get(name);
    if (table) return table;
  }
  return undefined;
}

/**
 * Whether the Azure-Sentinel CI declares `name`: as a parser-output table (a call without arguments,
 * which the engine runs as that parser) or as a function in its CustomFunctions (a call with
 * arguments, which the engine binds to the body's parameters: lower/parser-body.ts). A name only
 * catalog/asim.json declares is a built-in ASIM parser, whose declaration stays its own.
 */
function declaredByCi(name: string, dir = builtinCatalogDir()): boolean {
  if (builtinAsimParsers().has(name)) return false;
  return ciFunctionColumns(name, dir) !== undefined || stubTable(name, dir) !== undefined;
}

export function importParsers(
  folder: string,
  dir = builtinCatalogDir(),
): { imported: string[]; skipped: string[] } {
  const file = join(dir, SOLUTION_PARSERS_FILE);
  const earlier: PublishedParsersFile = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as PublishedParsersFile)
    : { parsers: [] };
  const byName = new Map(earlier.parsers.map((p) => [p.name, p]));
  const sources = JSON.parse(readFileSync(join(folder, 'sources.json'), 'utf8')) as Record<
    string,
    { path: string; commit: string }
  >;
  const packagedBy = (file: string) => {
    const path = sources[file]?.path;
    const deployment = path === undefined ? undefined : parserDeployment(join(folder, path));
    const template = path === undefined ? undefined : solutionPackage(path)?.replaceAll('\\', '/');
    const commit = template === undefined ? undefined : sources[template]?.commit;
    if (!deployment || template === undefined) return undefined;
    if (commit === undefined) throw new Error(`${template}: not in sources.json (the package's commit)`);
    return {
      deployment: { file: path ?? file, aliases: deployment.aliases },
      source: { repo: REPO, path: template, commit },
    };
  };
  const empty = mkdtempSync(join(tmpdir(), 'sk-parsers-'));
  const root = loadCatalog(empty);
  rmSync(empty, { recursive: true, force: true });
  const imported: string[] = [];
  const skipped: string[] = [];
  const texts = new Map<string, string>();
  for (const name of readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    if (sources[name]) texts.set(name, readFileSync(join(folder, name), 'utf8'));
    else skipped.push(`${name}: not in sources.json`);
  }
  const notHeld = new Map((earlier.bodiesNotHeld ?? []).map((p) => [p.name, p]));
  for (const entry of readBodiesNotHeld(folder, texts, root, skipped)) notHeld.set(entry.name, entry);
  // Bodies bind against the built-in catalog with the parsers imported so far. A unifying parser
  // calls source parsers, and binds even before they are known (`union isfuzzy=true` skips unknown
  // names), so the parsers other files name come first; one that does not bind is tried again while
  // a round imports another.
  const names = new Map(
    [...texts].map(([file, text]) => {
      const { name, body } = solutionParser(parse(text), packagedBy(file)?.deployment);
      return [file, { name, query: body }];
    }),
  );
  const named = (file: string) =>
    [...names.values()].some(
      (other) =>
        typeof other.query === 'string' &&
        other.name !== names.get(file)?.name &&
        new RegExp(`\\b${names.get(file)?.name}\\b`).test(other.query),
    );
  let pending = [...texts.keys()].sort((a, b) => Number(named(b)) - Number(named(a)));
  let left: { name: string; read: ReturnType<typeof readParser> }[] = [];
  for (let round = true; round && pending.length > 0; ) {
    left = [];
    for (const name of pending) {
      const catalog: Catalog = { ...root, builtinFunctions: withPublished(root, byName, notHeld) };
      const read = readParser(
        texts.get(name) ?? '',
        { repo: REPO, ...sources[name] },
        catalog,
        packagedBy(name),
      );
      const { parser } = read;
      if (!parser) {
        left.push({ name, read });
        continue;
      }
      byName.set(parser.name, parser);
      notHeld.delete(parser.name);
      for (const alias of read.aliases ?? []) byName.set(alias, { ...parser, name: alias });
      const beside = parser.unproduced
        ? `; binds with the CI's columns, the body lacks ${parser.unproduced.join(', ')}`
        : '';
      imported.push(`${parser.name} (${parser.columns.length} columns${beside})`);
    }
    round = left.length < pending.length;
    pending = left.map((l) => l.name);
  }
  for (const { name, read } of left) {
    // The folder's file replaces an earlier run's entry of its name even when it is left out:
    // the catalog may have changed since (CI columns the body does not give), and keeping the
    // old body would bind rules against columns the CI does not see.
    if (read.name !== undefined) byName.delete(read.name);
    skipped.push(`${name}: ${read.reason}`);
  }
  const parsers = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  const bodiesNotHeld = [...notHeld.values()].sort((a, b) => a.name.localeCompare(b.name));
  const out: PublishedParsersFile = bodiesNotHeld.length > 0 ? { parsers, bodiesNotHeld } : { parsers };
  writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
  return { imported, skipped };
}

/**
 * `bodies-not-held.json` of the folder (optional): source parser name -> {path, commit, reads}, the
 * parsers a unifying parser of the folder names whose bodies were not copied, with the tables their
 * published bodies read. Each takes the parameters of the unifying parser that names it (it passes
 * those by name) and the columns of the schema's empty parser (`vim<Schema>Empty`, which the
 * unifying parser unions so its result has them, with their types) and then those catalog/asim.json
 * declares beyond them.
 */
function readBodiesNotHeld(
  folder: string,
  texts: ReadonlyMap<string, string>,
  catalog: Catalog,
  skipped: string[],
): BodyNotHeld[] {
  const path = join(folder, 'bodies-not-held.json');
  if (!existsSync(path)) return [];
  const listed = JSON.parse(readFileSync(path, 'utf8')) as Record<
    string,
    { path: string; commit: string; reads: string[]; parameters?: FunctionParameter[] }
  >;
  const docs = [...texts.values()].map((text) => parse(text) as ParserYaml & AsimSchemaYaml);
  const out: BodyNotHeld[] = [];
  for (const [name, { reads, parameters: own, ...source }] of Object.entries(listed)) {
    const word = new RegExp(`\\b${name}\\b`);
    const doc = docs.find((d) => typeof d.ParserQuery === 'string' && word.test(d.ParserQuery));
    const caller = doc ? solutionParser(doc) : undefined;
    const declared = caller?.name ? builtinAsimParsers().get(caller.name)?.columns : undefined;
    const schema = doc ? schemaColumns(doc, docs, catalog) : undefined;
    // Without its body a leg's columns are not known: it stands for the schema function's columns
    // and, so that every rule the CI accepts still binds, those the CI declares beyond them.
    const columns = schema && [
      ...schema,
      ...(declared ?? []).filter((c) => !schema.some((s) => s.name === c.name)),
    ];
    // The leg's own ParserParams where listed (read from its file): a union may pass a leg
    // arguments under the leg's names (`targetusername_has=`) or by position, not its own names.
    const parameters = !caller
      ? 'no parser of the folder names it'
      : (own ?? caller.parameters ?? caller.reason ?? 'parameters not understood');
    if (!columns || typeof parameters === 'string') {
      const why = typeof parameters === 'string' ? parameters : "the folder lacks its schema's empty parser";
      skipped.push(`${name}: ${why}`);
      continue;
    }
    out.push({ name, parameters, columns, source: { repo: REPO, ...source }, reads });
  }
  return out;
}

/** The keys of an ASIM parser file the unifying parser's legs are found by. */
interface ParserYaml {
  ParserName?: unknown;
  ParserQuery?: unknown;
}

interface AsimSchemaYaml {
  Normalization?: { Schema?: unknown };
}

/**
 * The columns of the schema's empty parser the caller unions, as Kusto.Language binds its query:
 * `vim<Schema>Empty` (`vimWebSessionEmpty`), or the `…Empty` parser the caller's query names where the
 * schema's is named otherwise (imProcessCreate unions `vimProcessEmpty`, schema ProcessEvent).
 */
function schemaColumns(
  caller: ParserYaml & AsimSchemaYaml,
  docs: readonly (ParserYaml & AsimSchemaYaml)[],
  catalog: Catalog,
): ColumnSchema[] | undefined {
  const schema = caller.Normalization?.Schema;
  const query = typeof caller.ParserQuery === 'string' ? caller.ParserQuery : '';
  const empty =
    docs.find((d) => d.ParserName === `vim${String(schema)}Empty`) ??
    docs.find(
      (d) =>
        typeof d.ParserName === 'string' &&
        d.ParserName.endsWith('Empty') &&
        new RegExp(`\\b${d.ParserName}\\b`).test(query),
    );
  if (typeof schema !== 'string' || typeof empty?.ParserQuery !== 'string') return undefined;
  return resultSchema(analyze(empty.ParserQuery, catalog).code);
}

function withPublished(
  catalog: Catalog,
  parsers: ReadonlyMap<string, PublishedParser>,
  notHeld: ReadonlyMap<string, BodyNotHeld>,
) {
  const functions = new Map(catalog.builtinFunctions);
  for (const parser of notHeld.values()) functions.set(parser.name, notHeldFunction(parser));
  for (const parser of parsers.values())
    if (!parser.unproduced) functions.set(parser.name, publishedFunction(parser));
  return functions;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [folder] = process.argv.slice(2);
  if (!folder) {
    console.error(
      'usage: npx tsx scripts/import-solution-parsers.ts <folder of parser YAMLs with sources.json>',
    );
    process.exit(2);
  }
  const { imported, skipped } = importParsers(folder);
  for (const line of imported) console.log(`imported ${line}`);
  for (const line of skipped) console.log(`skipped  ${line}`);
}
