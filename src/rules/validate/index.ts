import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../diagnostics.js';
import { type Catalog, loadTablesNamedIn } from '../../kql/catalog.js';
import { HUNTING_NOTE, type LoadedQueryDocument, loadQueryFile } from '../load.js';
import type { MitreAttack } from '../mitre.js';
import type { AnalyticsRule } from '../model.js';
import { checkAttack } from './attack.js';
import { checkAlertDetails } from './details.js';
import { checkEntityMappings } from './entities.js';
import { type DocumentFacts, factsOf } from './facts.js';
import { checkUniqueIds } from './ids.js';
import { checkNrtCount, checkNrtQuery } from './nrt.js';
import { checkTablePlans } from './plans.js';
import { checkQuery } from './query.js';
import { checkSchedule } from './schedule.js';
import type { CheckTarget } from './target.js';
import { checkVersions } from './version.js';

export { ruleCodes } from './codes.js';

export interface ValidationOptions {
  catalog: Catalog;
  /** MITRE ATT&CK data; tactic and technique checks are skipped without it. */
  mitre?: MitreAttack;
  /** Compare queries with git HEAD to require version bumps (default true). */
  compareWithGit?: boolean;
}

export interface ValidationResult {
  documents: LoadedQueryDocument[];
  /** Every finding, sorted by file, line and column. */
  diagnostics: Diagnostic[];
}

/** Validates rule and hunting-query files, including checks across files (unique ids, versions). */
export function validateFiles(paths: readonly string[], options: ValidationOptions): ValidationResult {
  const checked = checkFiles(paths, options);
  const diagnostics = [
    ...checked.diagnostics,
    ...checkAcrossFiles(checked.facts, options.compareWithGit ?? true),
  ];
  return { documents: checked.documents, diagnostics: sortDiagnostics(diagnostics) };
}

/** The checks of each file on its own, and the facts the checks across files need. */
export function checkFiles(
  paths: readonly string[],
  options: ValidationOptions,
): { documents: LoadedQueryDocument[]; diagnostics: Diagnostic[]; facts: DocumentFacts[] } {
  const documents = paths.map((path) => loadQueryFile(path));
  // Every table the queries name is loaded before the first is bound, so Kusto's global state (and
  // the binding cache it carries) is built once, not again each time a query names a new table.
  loadTablesNamedIn(
    options.catalog,
    documents.map((document) => queryOf(document) ?? ''),
  );
  const diagnostics = documents.flatMap((document) => [
    ...document.diagnostics,
    ...checkDocument(document, options),
  ]);
  const facts = documents.flatMap((document) => factsOf(document) ?? []);
  return { documents, diagnostics, facts };
}

/**
 * `checkFiles` for threads that share one list of files: each thread checks the files `take` hands
 * it (indexes into `paths`, a few at a time from a counter the threads share) until none are left,
 * so they finish together however the cost differs between files and whenever each thread starts.
 * The tables every file's text names are loaded first, so Kusto's global state is built once
 * (the text is a superset of the queries; a table a query names that the scan misses, e.g. behind
 * a YAML escape, is still loaded when the query is bound).
 */
export function checkFilesInTurn(
  paths: readonly string[],
  take: () => readonly number[],
  options: ValidationOptions,
): { diagnostics: Diagnostic[]; facts: { index: number; facts: DocumentFacts }[] } {
  loadTablesNamedIn(options.catalog, paths.map(readTextIfAny));
  const diagnostics: Diagnostic[] = [];
  const facts: { index: number; facts: DocumentFacts }[] = [];
  for (let batch = take(); batch.length > 0; batch = take()) {
    for (const index of batch) {
      const document = loadQueryFile(paths[index]);
      diagnostics.push(...document.diagnostics, ...checkDocument(document, options));
      const found = factsOf(document);
      if (found) facts.push({ index, facts: found });
    }
  }
  return { diagnostics, facts };
}

function readTextIfAny(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // loadQueryFile reports it
  }
}

/** Files a thread takes at a time: few enough that threads finish within a few rules of each other. */
export const FILES_PER_TAKE = 4;

/** Unique ids and names, the NRT rule count, and version bumps against git HEAD. */
export function checkAcrossFiles(facts: readonly DocumentFacts[], compareWithGit: boolean): Diagnostic[] {
  return [...checkUniqueIds(facts), ...checkNrtCount(facts), ...checkVersions(facts, compareWithGit)];
}

/** The query of a document, also of one whose other fields failed validation. */
function queryOf({ rule, source }: LoadedQueryDocument): string | undefined {
  if (rule) return rule.query;
  const query = source?.document.get('query');
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/** The single-file checks for one loaded document (its load diagnostics are not repeated). */
function checkDocument(document: LoadedQueryDocument, options: ValidationOptions): Diagnostic[] {
  const { rule, source } = document;
  const analytics = document.kind === 'analytics';
  if (!source) return [];
  if (!rule) {
    const query = queryOf(document);
    return query ? checkQuery({ query, source }, options.catalog, analytics).diagnostics : [];
  }
  const query = checkQuery({ query: rule.query, source }, options.catalog, analytics);
  const target: CheckTarget = { rule, source, columns: query.columns };
  const metadata = [
    ...checkEntityMappings(target),
    ...(options.mitre ? checkAttack(target, options.mitre) : []),
  ];
  const diagnostics = [...query.diagnostics, ...(analytics ? metadata : metadata.map(asHuntingFinding))];
  if (analytics) {
    const ruleTarget = target as CheckTarget<AnalyticsRule>;
    diagnostics.push(
      ...checkSchedule(ruleTarget),
      ...checkNrtQuery(ruleTarget),
      ...checkAlertDetails(ruleTarget),
      ...checkTablePlans(target, query.tables ?? [], options.catalog),
    );
  }
  return diagnostics;
}

/** A hunting query's entity mapping and ATT&CK findings, as warnings (HUNTING_NOTE says why). */
function asHuntingFinding(diagnostic: Diagnostic): Diagnostic {
  if (diagnostic.severity !== 'error') return diagnostic;
  return {
    ...diagnostic,
    severity: 'warning',
    message: `${diagnostic.message}${HUNTING_NOTE}`,
  };
}

/** By file, line, column and code, so output is stable. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}
