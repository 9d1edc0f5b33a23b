import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { findAutomationFiles, loadAutomationFile } from '../automation/load.js';
import { checkAutomationReferences } from '../automation/validate.js';
import { findAlertResponders, findResponders } from '../build/index.js';
import { validateDetectionFiles } from '../detections/validate.js';
import type { Diagnostic } from '../diagnostics.js';
import { type Catalog, PARSER_STUB_FILE, readWatchlistFile, watchlistSchema } from '../kql/catalog.js';
import { quoteName } from '../kql/syntax/index.js';
import { displayPath, findFiles, findRuleFiles, loadRuleFile, readYamlSource } from '../rules/load.js';
import type { DocumentFacts } from '../rules/validate/facts.js';
import {
  checkAcrossFiles,
  checkFiles,
  checkFilesInTurn,
  FILES_PER_TAKE,
  sortDiagnostics,
  type ValidationOptions,
} from '../rules/validate/index.js';
import { checkQuery } from '../rules/validate/query.js';
import { validateSummaryFiles } from '../summary/validate.js';
import { runWorker, takeInTurn } from '../threads.js';
import { armResources, watchlistFromArm } from './arm-template.js';
import { isParserProblem, isRecord, isSavedSearchType, readParserFields } from './azure-sentinel-parser.js';
import { parserDeployment } from './solution-package.js';

/** What a content file is, from the folder it sits in (kql/ layout or the Azure-Sentinel repository's). */
export type ContentKind =
  | 'analytics'
  | 'hunting'
  | 'parser'
  | 'watchlist'
  | 'automation'
  | 'detection'
  | 'summary'
  | 'operations'
  | 'rule-test';

export const contentKindNames: Record<ContentKind, string> = {
  analytics: 'analytics rule',
  hunting: 'hunting query',
  parser: 'parser',
  watchlist: 'watchlist',
  automation: 'automation rule',
  detection: 'custom detection',
  summary: 'summary rule',
  operations: 'SOC operations model',
  'rule-test': 'rule test',
};

const FOLDER_KINDS: [RegExp, ContentKind][] = [
  [/^hunting( queries)?$/i, 'hunting'],
  [/^parsers?$/i, 'parser'],
  [/^watchlists?$/i, 'watchlist'],
  [/^automation$/i, 'automation'],
  [/^detections$/i, 'detection'],
  // The Azure-Sentinel repository's custom detections converted from a Solution's analytics rules.
  [/^xdr detections$/i, 'detection'],
  [/^summary$/i, 'summary'],
];

/**
 * A file under a `detections` folder that reads like an analytics rule (a top-level `query:` and no
 * `queryCondition:`): the Azure-Sentinel repository keeps analytics rules in `Detections/`, where
 * our layout keeps Defender custom detections (Graph's detectionRule: `queryCondition.queryText`).
 */
function isAnalyticsRuleText(text: string): boolean {
  return /^query\s*:/im.test(text) && !/^queryCondition\s*:/im.test(text);
}

/**
 * An Azure-Sentinel parser file by its content: a Solution's `FunctionQuery:` or an ASIM parser's
 * `ParserQuery:` (src/content/azure-sentinel-parser.ts reads both) and no rule `query:`. Such a file
 * copied outside a `Parsers` folder is still a parser, not an analytics rule missing every field.
 */
function isAzureSentinelParserText(text: string): boolean {
  return /^(FunctionQuery|ParserQuery)\s*:/m.test(text) && !/^query\s*:/im.test(text);
}

/**
 * A custom detection in the form the Azure-Sentinel repository publishes (src/detections/load.ts,
 * PUBLISHED_QUERY_PATH): a top-level `kind: CustomDetection` and the rule under `properties:`.
 */
function isPublishedDetectionText(text: string): boolean {
  return /^kind\s*:\s*['"]?CustomDetection['"]?\s*$/m.test(text) && /^properties\s*:/m.test(text);
}

/**
 * Rule tests by name; otherwise the innermost folder that names a kind; otherwise an Azure-Sentinel
 * parser or published custom detection by its content; otherwise an analytics rule. `text` (the file's content, when at hand) tells
 * Azure-Sentinel's `Detections/` rules from custom detections, and loose parser files from rules.
 */
export function contentKindOf(path: string, text?: () => string): ContentKind {
  if (/\.test\.ya?ml$/i.test(path)) return 'rule-test';
  // kql/operations.yaml (src/operations), checked by operationsDiagnostics.
  if (/(^|[\\/])kql[\\/]operations\.ya?ml$/i.test(path)) return 'operations';
  const folders = path.split(/[\\/]/).slice(0, -1).reverse();
  for (const folder of folders) {
    const match = FOLDER_KINDS.find(([pattern]) => pattern.test(folder));
    if (match?.[1] === 'detection' && text && isAnalyticsRuleText(text())) return 'analytics';
    if (match) return match[1];
  }
  if (text && isAzureSentinelParserText(text())) return 'parser';
  if (text && isPublishedDetectionText(text())) return 'detection';
  return 'analytics';
}

export interface ContentOptions extends ValidationOptions {
  /** The repository root: analytics rule ids for automation rules, responders in functions/. */
  root: string;
  /**
   * How worker threads load the same catalog (`loadCatalog(root, { schemaDirs })`) and ATT&CK
   * data; with it, many rules are checked on several threads. `threads` caps their number.
   */
  parallel?: {
    schemaDirs?: string[];
    mitre?: { path: string; file: string };
    threads?: number;
    /** Rules a thread must have to be worth starting (default 150). */
    minRulesPerThread?: number;
  };
}

/** What a worker thread is given and returns (src/content/validate-worker.ts). */
export interface WorkerInput {
  root: string;
  schemaDirs?: string[];
  mitre?: { path: string; file: string };
  /** Every rule file; the threads take them in turn through `next`. */
  files: string[];
  /** Parser files under the paths validated (withParsersOf). */
  parsers: string[];
  /** One Int32 shared by all threads: the index of the next file not yet taken. */
  next: SharedArrayBuffer;
}
export interface WorkerOutput {
  diagnostics: Diagnostic[];
  /** With the index of the file each came from. */
  facts: { index: number; facts: DocumentFacts }[];
}

/**
 * Below this many rules a thread's start (loading Kusto.Language and the catalog, ~1 s) costs more
 * than it saves.
 */
const MIN_RULES_PER_THREAD = 150;

export interface ContentValidation {
  /** Files checked, per kind (rule tests are counted but run by `sentinel-kit test`). */
  counts: Map<ContentKind, number>;
  diagnostics: Diagnostic[];
  /** Threads the rules were checked on (1: this thread only). */
  workers: number;
}

/**
 * Validates every YAML content file under `paths` by its kind: analytics rules and hunting
 * queries (every rule check), parsers (their KQL binds, parameters declared), automation rules
 * (fields, triggers, the analytics rules and responders they name), watchlists (the repository's
 * YAML or Azure-Sentinel's ARM templates). Table schemas are checked when the catalog loads.
 */
export async function validateContent(
  paths: readonly string[],
  options: ContentOptions,
): Promise<ContentValidation> {
  // Watchlists also come as the Azure-Sentinel repository's ARM templates (Watchlists/*/*.json),
  // parsers as a workspace function resource alone (Parsers/*.json, isSavedSearchFile).
  const files = findFiles(
    paths,
    (path) =>
      /\.ya?ml$/i.test(path) ||
      (/\.json$/i.test(path) &&
        (contentKindOf(path) === 'watchlist' ||
          (contentKindOf(path) === 'parser' && isSavedSearchFile(path)))),
  );
  const byKind = new Map<ContentKind, string[]>();
  for (const file of files) {
    const kind = contentKindOf(displayPath(file, options.root), () => readFileSync(file, 'utf8'));
    byKind.set(kind, [...(byKind.get(kind) ?? []), file]);
  }
  const ofKind = (kind: ContentKind) => byKind.get(kind) ?? [];
  const allParsers = ofKind('parser');
  const withAll = { ...options, catalog: withParsersOf(options.catalog, allParsers) };
  const parserDiagnostics = allParsers.map((file) => checkParser(file, withAll));
  const parsers = callableParsers(allParsers, options.catalog);
  const checking =
    parsers.length === allParsers.length
      ? withAll
      : { ...options, catalog: withParsersOf(options.catalog, parsers) };
  const rules = [...ofKind('analytics'), ...ofKind('hunting')];
  const threads = threadCount(rules.length, checking);
  const checked =
    threads > 1 ? await checkOnThreads(rules, parsers, threads, checking) : checkFiles(rules, checking);
  const diagnostics = [
    ...checked.diagnostics,
    ...checkAcrossFiles(checked.facts, checking.compareWithGit ?? true),
  ];
  diagnostics.push(...parserDiagnostics.flat());
  for (const file of ofKind('watchlist')) diagnostics.push(...checkWatchlist(file));
  diagnostics.push(...checkAutomation(ofKind('automation'), options.root));
  diagnostics.push(...validateDetectionFiles(ofKind('detection'), checking).diagnostics);
  diagnostics.push(...validateSummaryFiles(ofKind('summary'), checking).diagnostics);
  const counts = new Map([...byKind].map(([kind, list]) => [kind, list.length] as const));
  return { counts, diagnostics: sortDiagnostics(diagnostics), workers: threads };
}

/**
 * A JSON file of a Parsers folder that is a `workspaces/savedSearches` resource: how some Solutions
 * publish a parser (Solutions/Cisco Meraki Events via REST API/Parsers/*.json @aafaad0), read by
 * readParserFields as `import` reads it. Other JSON there is not content sentinel-kit checks.
 */
function isSavedSearchFile(path: string): boolean {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return isRecord(data) && typeof data.type === 'string' && isSavedSearchType(data.type);
  } catch {
    return false;
  }
}

function threadCount(rules: number, options: ContentOptions): number {
  if (!options.parallel) return 1;
  const cap = options.parallel.threads ?? availableParallelism();
  const perThread = options.parallel.minRulesPerThread ?? MIN_RULES_PER_THREAD;
  return Math.max(1, Math.min(cap, Math.floor(rules / perThread)));
}

/**
 * The threads take the files from one shared counter a few at a time (this thread starts checking
 * while the workers load Kusto.Language and the catalog, as this thread did), and their
 * diagnostics come back as plain data. Facts return to file order, so the checks across files
 * answer as on one thread.
 */
async function checkOnThreads(
  files: readonly string[],
  parsers: readonly string[],
  threads: number,
  options: ContentOptions,
): Promise<{ diagnostics: Diagnostic[]; facts: DocumentFacts[] }> {
  const next = new SharedArrayBuffer(4);
  const workers = Array.from({ length: threads - 1 }, () =>
    runWorker<WorkerOutput>(new URL('./validate-worker.ts', import.meta.url), {
      root: options.root,
      schemaDirs: options.parallel?.schemaDirs,
      mitre: options.mitre ? options.parallel?.mitre : undefined,
      files: [...files],
      parsers: [...parsers],
      next,
    } satisfies WorkerInput),
  );
  const own = checkFilesInTurn(files, takeInTurn(next, files.length, FILES_PER_TAKE), options);
  const outputs = [own, ...(await Promise.all(workers))];
  const facts = outputs.flatMap((o) => o.facts).sort((a, b) => a.index - b.index);
  return { diagnostics: outputs.flatMap((o) => o.diagnostics), facts: facts.map((f) => f.facts) };
}

/**
 * The parsers whose bodies the rules and hunting queries beside them call. A parser whose name the
 * Azure-Sentinel CI declares (a parser-output stub of CustomFunctions) is left out, whether or not its
 * body binds: its callers bind to that declaration, as the CI binds them (KqlValidationTests declares
 * each CustomFunctions entry by its columns), and the body is checked once, on the parser file. A body
 * that binds can still type a column otherwise than the declaration: Kusto.Language types
 * `column_ifexists('additional_details_size_d', '')` of an existing real column as string (its
 * default's type; the column_ifexists page says it returns the column), so Box's published hunting
 * queries summing BoxEvents' FileSize (real in the declaration) were rejected beside the published
 * BoxEvents.yaml and accepted by the CI. A body that does not bind is not reported again as "error in
 * called function" on every caller (Solutions/AtlassianJiraAudit: 20 rules and hunting queries over one
 * parser). Without a declaration, the body is the function and its callers report its errors.
 */
function callableParsers(files: readonly string[], catalog: Catalog): string[] {
  return files.filter((file) => {
    const { source } = readYamlSource(file, displayPath(file));
    const data = source?.document.toJS() as unknown;
    const parser = isRecord(data) ? readParserFields(data, parserDeployment(file)) : undefined;
    if (!parser || isParserProblem(parser)) return true;
    return catalog.tables.get(parser.functionName)?.file !== PARSER_STUB_FILE;
  });
}

/**
 * The catalog with the parsers found under the paths validated (either shape, readParserFields) that
 * it does not already know: a Solution's hunting queries and rules call the parsers it ships, as
 * they do once the Solution is deployed. The catalog's own functions (kql/parsers under --root,
 * built-in and CI-declared parsers) keep their definitions. A new catalog object, so its Kusto state
 * is built with them.
 */
export function withParsersOf(catalog: Catalog, files: readonly string[]): Catalog {
  const known = new Set([...catalog.functions.keys(), ...(catalog.builtinFunctions?.keys() ?? [])]);
  const added = new Map(catalog.functions);
  for (const path of files) {
    const { source } = readYamlSource(path, displayPath(path));
    const data = source?.document.toJS() as unknown;
    const parser = isRecord(data) ? readParserFields(data, parserDeployment(path)) : undefined;
    if (
      !parser ||
      isParserProblem(parser) ||
      known.has(parser.functionName) ||
      added.has(parser.functionName)
    )
      continue;
    added.set(parser.functionName, {
      name: parser.functionName,
      description: parser.description,
      parameters: parser.parameters,
      body: parser.query,
      file: displayPath(path),
    });
  }
  return added.size === catalog.functions.size ? catalog : { ...catalog, functions: added };
}

/**
 * A parser's KQL binds with its scalar parameters declared, in the repository's shape or the
 * Azure-Sentinel repository's (readParserFields). Table-typed parameters are not declared, so a
 * parser using one reports it unbound.
 */
function checkParser(path: string, options: ContentOptions): Diagnostic[] {
  const { source, diagnostics } = readYamlSource(path, displayPath(path));
  if (!source) return diagnostics;
  const data = source.document.toJS() as unknown;
  const parser = isRecord(data) ? readParserFields(data, parserDeployment(path)) : undefined;
  // A kql/parsers file without functionName or query is reported once, by the catalog loader.
  if (parser === undefined) return diagnostics;
  if (isParserProblem(parser)) {
    // A parser sentinel-kit cannot read is said so, as a warning: nothing shows it broken.
    const severity = parser.unread ? 'warning' : 'error';
    const message = parser.unread ? `${parser.problem}: its query is not checked` : parser.problem;
    return [...diagnostics, source.diagnostic('SK1010', severity, message)];
  }
  const scalars = parser.parameters.filter((p) => p.type !== 'table');
  const declarations =
    scalars.length > 0
      ? `declare query_parameters(${scalars.map((p) => `${quoteName(p.name)}:${p.type}`).join(', ')});\n`
      : '';
  const { query, queryKey } = parser;
  return [
    ...diagnostics,
    ...checkQuery({ query, source, declarations }, options.catalog, false, parser.queryPath ?? [queryKey])
      .diagnostics,
  ];
}

/**
 * A watchlist file: the repository's YAML, or an ARM template of watchlist resources (the
 * Azure-Sentinel repository's Watchlists/), read as import reads it. The same checks either way.
 */
function checkWatchlist(path: string): Diagnostic[] {
  const file = displayPath(path);
  const diagnostics: Diagnostic[] = [];
  if (!/\.json$/i.test(path)) {
    readWatchlistFile(path, file, diagnostics);
    return diagnostics;
  }
  const fail = (message: string): Diagnostic => ({
    code: 'SK0002',
    severity: 'error',
    message,
    file,
    line: 1,
    column: 1,
  });
  let template: unknown;
  try {
    template = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return [fail(`not valid JSON: ${(error as Error).message}`)];
  }
  const resources = isRecord(template)
    ? [...armResources(template)].filter(({ resource }) => /\/watchlists$/i.test(String(resource.type)))
    : [];
  if (resources.length === 0) return [fail('no watchlist resource (type …/Watchlists) in this template')];
  for (const resource of resources) {
    const watchlist = watchlistFromArm(resource);
    if (typeof watchlist === 'string') diagnostics.push(fail(watchlist));
    else watchlistSchema(watchlist, file, diagnostics);
  }
  return diagnostics;
}

function checkAutomation(paths: readonly string[], root: string): Diagnostic[] {
  if (paths.length === 0) return [];
  const loaded = paths.map((path) => loadAutomationFile(path, displayPath(path)));
  const analyticRuleIds = new Set(
    findRuleFiles([join(root, 'kql', 'rules')]).flatMap((path) => {
      const id = loadRuleFile(path).rule?.id;
      return id ? [id.toLowerCase()] : [];
    }),
  );
  // Automation rules in the repository's own kql/automation are checked with their siblings (unique ids).
  const siblings = findAutomationFiles(root).filter((path) => !paths.includes(path));
  const all = [...loaded, ...siblings.map((path) => loadAutomationFile(path, displayPath(path)))];
  const references = checkAutomationReferences(all, {
    analyticRuleIds,
    responders: findResponders(root),
    alertResponders: findAlertResponders(root),
  });
  const files = new Set(loaded.map((l) => l.source?.file));
  return [...loaded.flatMap((l) => l.diagnostics), ...references.filter((d) => files.has(d.file))];
}
