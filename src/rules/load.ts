import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isMap, isScalar } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { documentToJs } from '../yaml.js';
import {
  type AnalyticsRule,
  analyticsRuleSchema,
  type HuntingQuery,
  huntingQuerySchema,
  type QueryDocumentKind,
} from './model.js';
import { normalizeLikeSentinelCi } from './normalize.js';
import { type FieldPath, type Position, YamlSource } from './source.js';
import { didYouMean } from './suggest.js';

export interface LoadedDocument<T> {
  /** The path the file was read from. */
  path: string;
  /** The name diagnostics carry (relative to the working directory). */
  file: string;
  kind: QueryDocumentKind;
  /** Present when the file parsed and every field has a valid type (unknown fields are dropped). */
  rule?: T;
  /** Present when the file is readable YAML; gives positions for any field path. */
  source?: YamlSource;
  diagnostics: Diagnostic[];
  /** File position of a character offset inside the `query` value. */
  queryOffset?: (offset: number) => Position;
}

export type LoadedRule = LoadedDocument<AnalyticsRule>;
export type LoadedHuntingQuery = LoadedDocument<HuntingQuery>;
export type LoadedQueryDocument = LoadedRule | LoadedHuntingQuery;

/** Loads an analytics rule; `file` is the name diagnostics carry (default: path relative to cwd). */
export function loadRuleFile(path: string, file = displayPath(path)): LoadedRule {
  return loadDocument(path, file, 'analytics', analyticsRuleSchema);
}

function loadHuntingFile(path: string, file = displayPath(path)): LoadedHuntingQuery {
  return loadDocument(path, file, 'hunting', huntingQuerySchema);
}

/** Loads a rule or, for files under a `hunting` folder, a hunting query. */
export function loadQueryFile(path: string, file = displayPath(path)): LoadedQueryDocument {
  return documentKindOf(path) === 'hunting' ? loadHuntingFile(path, file) : loadRuleFile(path, file);
}

/**
 * Appended to a finding about a hunting query that is a warning where an analytics rule's is an
 * error: Microsoft's CI checks only a hunting query's KQL and that it is ASCII (Azure-Sentinel
 * .script/tests: KqlValidationTests.Validate_HuntingQueries_HaveValidKql,
 * NonAsciiValidationsTests.Validate_Hunting_HaveOnlyAsciiChars), and a hunting query deploys as a
 * Log Analytics saved search (Microsoft.OperationalInsights/savedSearches in a Solution's
 * mainTemplate.json), not through the alert-rule API that checks the other fields.
 */
export const HUNTING_NOTE = ' (a warning in a hunting query: only its KQL must be valid)';

export function documentKindOf(path: string): QueryDocumentKind {
  const folders = path.split(/[\\/]/).slice(0, -1);
  return folders.some((folder) => /^hunting( queries)?$/i.test(folder)) ? 'hunting' : 'analytics';
}

/** Defender custom detections live under a `detections` folder (kql/detections/), beside analytics rules. */
export function isDetectionPath(path: string): boolean {
  return inFolder(path, 'detections');
}

/** Log Analytics summary rules live under a `summary` folder (kql/summary/), beside analytics rules. */
export function isSummaryPath(path: string): boolean {
  return inFolder(path, 'summary');
}

function inFolder(path: string, folder: string): boolean {
  return path
    .split(/[\\/]/)
    .slice(0, -1)
    .some((name) => name.toLowerCase() === folder);
}

/** Rule YAML files under the given files or folders, sorted; rule tests (`*.test.yaml`) are excluded. */
export function findRuleFiles(paths: readonly string[]): string[] {
  return findFiles(paths, (path) => /\.ya?ml$/i.test(path) && !/\.test\.ya?ml$/i.test(path));
}

/** The files `accept`ed among the given files and everything under the given folders, sorted. */
export function findFiles(paths: readonly string[], accept: (path: string) => boolean): string[] {
  const found = new Set<string>();
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (accept(path)) {
      found.add(path);
    }
  };
  paths.forEach(visit);
  return [...found].sort();
}

/** `path` relative to `base` with forward slashes, as diagnostics name files; as given when outside `base`. */
export function displayPath(path: string, base = process.cwd()): string {
  const rel = relative(base, path);
  return (rel.startsWith('..') || rel === '' ? path : rel).split(sep).join('/');
}

function loadDocument<S extends z.ZodType>(
  path: string,
  file: string,
  kind: QueryDocumentKind,
  schema: S,
): LoadedDocument<z.output<S>> {
  const { source, diagnostics } = readYamlSource(path, file);
  if (!source) return { path, file, kind, diagnostics };
  if (isMovedStub(source)) return { path, file, kind, diagnostics: [movedNote(file, source.text)] };
  normalizeLikeSentinelCi(source.document, schema);
  const data = documentToJs(source.document);
  // Microsoft's CI checks only a hunting query's KQL (see HUNTING_NOTE), so its other fields warn.
  const lenient = (path: FieldPath) => kind === 'hunting' && path[0] !== 'query';
  const { value, diagnostics: schemaDiagnostics } = parseWithSchema(schema, data, source, lenient);
  diagnostics.push(...schemaDiagnostics);
  return { path, file, kind, rule: value, source, diagnostics, queryOffset: source.offsetMapper(['query']) };
}

/** Reads and parses a YAML file; every problem becomes a positioned diagnostic, never an exception. */
export function readYamlSource(
  path: string,
  file: string,
): { source?: YamlSource; diagnostics: Diagnostic[] } {
  const fail = (code: string, message: string, line = 1, column = 1) => ({
    diagnostics: [{ code, severity: 'error' as const, message, file, line, column }],
  });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return fail('SK1001', `cannot read file: ${(error as Error).message}`);
  }
  const invalid = invalidUtf8Offset(bytes);
  if (invalid >= 0) {
    const before = bytes.subarray(0, invalid).toString('utf8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const byte = bytes[invalid].toString(16).toUpperCase().padStart(2, '0');
    return fail('SK1002', `not valid UTF-8 (byte 0x${byte}); save the file as UTF-8`, line, column);
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '')
    return fail('SK1005', 'the file is empty; a rule needs at least id, name and query');

  const source = YamlSource.parse(file, text, { prettyErrors: false });
  const { document } = source;
  const diagnostics: Diagnostic[] = document.errors.map((error) => {
    const duplicate = error.code === 'DUPLICATE_KEY';
    return source.diagnostic(
      duplicate ? 'SK1004' : 'SK1003',
      'error',
      duplicate ? 'duplicate key: each field may appear only once' : `YAML: ${firstLine(error.message)}`,
      source.position(error.pos[0]),
    );
  });
  if (diagnostics.length > 0) return { diagnostics };
  if (!isMap(document.contents)) {
    // The Azure-Sentinel repository leaves a stub saying where a rule went when it moves one
    // (Detections/ to Solutions/); it is not content, so it is skipped with a note.
    if (/\bmoved\b/i.test(text)) return { diagnostics: [movedNote(file, text)] };
    return fail('SK1006', 'expected a YAML mapping of rule fields (id, name, query, ...)');
  }
  return { source, diagnostics };
}

/**
 * A moved rule's stub in mapping form: it keeps id, name and version, has no query, and its
 * description says "this file is moved to a new location" (Detections/SigninLogs/NRT_MFARejectedbyUser.yaml
 * in Azure/Azure-Sentinel).
 */
function isMovedStub(source: YamlSource): boolean {
  const { contents } = source.document;
  if (!isMap(contents)) return false;
  const hasQuery = contents.items.some(
    (pair) => isScalar(pair.key) && /^query$/i.test(String(pair.key.value)),
  );
  return !hasQuery && /\bmoved\b/i.test(source.text);
}

function movedNote(file: string, text: string): Diagnostic {
  const sentence = text.split('\n').find((line) => /\bmoved\b/i.test(line)) ?? text;
  const note = sentence.replace(/^\s*(description:)?[\s#'"|>]*/i, '').slice(0, 120);
  return {
    code: 'SK1007',
    severity: 'info',
    message: `skipped: not a rule but a note ("${note}")`,
    file,
    line: 1,
    column: 1,
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Validates `data` against a strict schema. Unknown fields become warnings and are dropped, so rules
 * written for the Azure-Sentinel repository (which carries extra fields) still load.
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  data: unknown,
  source: YamlSource,
  /** Fields whose problems are warnings (worded with HUNTING_NOTE); the document still fails to load. */
  lenient: (path: FieldPath) => boolean = () => false,
): { value?: z.output<S>; diagnostics: Diagnostic[] } {
  const first = schema.safeParse(data);
  if (first.success) return { value: first.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const unknownFields: FieldPath[] = [];
  let otherErrors = false;
  for (const issue of first.error.issues) {
    const path = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      const known = path.length === 0 ? topLevelFields(schema) : [];
      for (const key of issue.keys) {
        unknownFields.push([...path, key]);
        const message = `unknown field '${formatPath([...path, key])}' (ignored)${didYouMean(key, known)}`;
        diagnostics.push(source.diagnostic('SK1012', 'warning', message, source.keyAt([...path, key])));
      }
      continue;
    }
    otherErrors = true;
    const actual = valueAtPath(data, path);
    const [severity, note] = lenient(path) ? (['warning', HUNTING_NOTE] as const) : (['error', ''] as const);
    diagnostics.push(
      actual === undefined
        ? source.diagnostic(
            'SK1011',
            severity,
            `missing required field '${formatPath(path)}'${note}`,
            source.valueAt(path),
          )
        : source.diagnostic(
            'SK1010',
            severity,
            `'${formatPath(path)}' ${describeIssue(issue, actual)}${note}`,
            source.valueAt(path),
          ),
    );
  }
  if (otherErrors) return { diagnostics };
  for (const path of unknownFields) deleteAtPath(data, path);
  const second = schema.safeParse(data);
  return { value: second.success ? second.data : undefined, diagnostics };
}

/** One error per schema issue, worded `path.to.field: message`, at the offending value. */
export function issueDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  source: YamlSource,
  code: string,
): Diagnostic[] {
  return issues.map((issue) => {
    const path = issue.path as (string | number)[];
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    return source.diagnostic(code, 'error', `${where}${issue.message}`, source.valueAt(path));
  });
}

function topLevelFields(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function describeIssue(issue: z.core.$ZodIssue, actual: unknown): string {
  if (issue.code === 'invalid_type') {
    if (issue.message && !issue.message.startsWith('Invalid input')) return issue.message;
    return `must be ${article(issue.expected)} (got ${typeName(actual)})`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map(String).join(', ')} (got ${JSON.stringify(actual)})`;
  }
  return issue.message;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type === 'record' ? 'mapping' : type}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function formatPath(path: FieldPath): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i ? `.${segment}` : segment))
    .join('');
}

function valueAtPath(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function deleteAtPath(data: unknown, path: FieldPath): void {
  const parent = valueAtPath(data, path.slice(0, -1));
  if (parent && typeof parent === 'object')
    delete (parent as Record<PropertyKey, unknown>)[path[path.length - 1]];
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Continuation-byte ranges per lead byte (RFC 3629 table), which exclude overlongs and surrogates.
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return i;
    }
    i += length;
  }
  return -1;
}
