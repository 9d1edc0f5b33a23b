import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../diagnostics.js';
import { type Catalog, parserOutputSchema } from '../../kql/catalog.js';
import { parseDateTime } from '../../kql/values/index.js';
import { documentToJs } from '../../yaml.js';
import { displayPath } from '../load.js';
import { type FieldPath, YamlSource } from '../source.js';
import { buildFixtureTable, type RawRow, readFixtureFile } from './fixtures.js';
import type { Expectation, ExpectedAlert, FixtureTable, RuleTestCase, RuleTestFile } from './model.js';

const TEST_SUFFIX = '.test.yaml';
const FILE_KEYS = ['rule', 'externalData', 'cases'];
const CASE_KEYS = ['name', 'now', 'tables', 'externalData', 'expect'];
const EXPECT_KEYS = ['alerts', 'incidents', 'alertDetails'];
const ALERT_KEYS = ['name', 'description', 'severity', 'tactics', 'entities', 'customDetails'];

export function isRuleTestFile(path: string): boolean {
  return path.endsWith(TEST_SUFFIX);
}

/** The rule a test file tests by default: `foo.test.yaml` → `foo.yaml`. */
export function defaultRuleFile(testFile: string): string {
  return `${testFile.slice(0, -TEST_SUFFIX.length)}.yaml`;
}

/**
 * Reads and checks a rule test file. Every problem is a diagnostic with the file, line and column
 * of the offending field (or fixture line); the test file is returned only when there are none.
 */
export function loadRuleTestFile<E = Expectation>(
  path: string,
  catalog: Catalog,
  readExpect: ExpectationReader<E> = readExpectation as unknown as ExpectationReader<E>,
): { testFile?: RuleTestFile<E>; diagnostics: Diagnostic[] } {
  const display = displayPath(path);
  const diagnostics: Diagnostic[] = [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      diagnostics: [{ code: 'SK0401', severity: 'error', message: (error as Error).message, file: display }],
    };
  }
  const source = YamlSource.parse(display, text);
  const { document } = source;
  for (const error of document.errors) {
    diagnostics.push(source.diagnostic('SK0401', 'error', error.message, source.position(error.pos[0])));
  }
  if (diagnostics.length > 0) return { diagnostics };

  const checker = new Checker(source, diagnostics);
  const root = documentToJs(document);
  if (!checker.mapAt(root, [], FILE_KEYS)) return { diagnostics };
  const doc = root as Record<string, unknown>;

  const ruleFile = resolveRuleFile(path, doc.rule, checker);
  if (!Array.isArray(doc.cases) || doc.cases.length === 0) {
    checker.error(['cases'], 'SK0402', 'a test file needs `cases:`, a list of test cases');
    return { diagnostics };
  }
  const shared = readExternalData(doc.externalData, ['externalData'], dirname(path), checker);
  const cases = doc.cases
    .map((raw, i) => readCase(raw, ['cases', i], dirname(path), shared, catalog, checker, readExpect))
    .filter((c): c is RuleTestCase<E> => c !== undefined);
  const names = new Set<string>();
  cases.forEach((c, i) => {
    if (names.has(c.name)) checker.error(['cases', i, 'name'], 'SK0402', `duplicate case name '${c.name}'`);
    names.add(c.name);
  });
  if (diagnostics.some((d) => d.severity === 'error') || !ruleFile) return { diagnostics };
  return { testFile: { file: display, ruleFile, cases }, diagnostics };
}

function resolveRuleFile(testPath: string, declared: unknown, checker: Checker): string | undefined {
  if (declared !== undefined && typeof declared !== 'string') {
    checker.error(['rule'], 'SK0402', '`rule:` must be a path to the rule file, relative to the test file');
    return undefined;
  }
  const ruleFile = declared ? resolve(dirname(testPath), declared) : defaultRuleFile(testPath);
  if (!existsSync(ruleFile)) {
    const message = `rule file ${displayPath(ruleFile)} does not exist`;
    checker.error(declared ? ['rule'] : [], 'SK0406', message);
    return undefined;
  }
  return ruleFile;
}

/**
 * Reads a case's `expect:`; rule tests expect alerts, other content (summary rules) its own
 * outcome. Problems are reported through the checker at their position.
 */
export type ExpectationReader<E> = (raw: unknown, path: FieldPath, checker: Checker) => E | undefined;

function readCase<E>(
  raw: unknown,
  path: FieldPath,
  baseDir: string,
  shared: ReadonlyMap<string, string>,
  catalog: Catalog,
  checker: Checker,
  readExpect: ExpectationReader<E>,
): RuleTestCase<E> | undefined {
  if (!checker.mapAt(raw, path, CASE_KEYS)) return undefined;
  const c = raw as Record<string, unknown>;
  const name = checker.string(c.name, [...path, 'name']);
  const now = typeof c.now === 'string' ? parseDateTime(c.now) : null;
  if (now === null) {
    checker.error([...path, 'now'], 'SK0405', '`now:` must be an absolute time such as 2026-01-10T12:00:00Z');
  }
  const expect = readExpect(c.expect, [...path, 'expect'], checker);
  const tables =
    now === null ? [] : readTables(c.tables, [...path, 'tables'], now, baseDir, catalog, checker);
  const own = readExternalData(c.externalData, [...path, 'externalData'], baseDir, checker);
  const externalData = new Map([...shared, ...own]);
  if (name === undefined || now === null || !expect) return undefined;
  const where = checker.source.keyAt(path);
  return { name, now, tables, externalData, expect, line: where.line, column: where.column };
}

/**
 * `externalData: { <url>: <file> }`: the local file an `externaldata` URL in the rule stands for
 * (the engine never fetches remote storage; an unmapped URL is refused when the query runs). The
 * URL is matched exactly as the query writes it; the file is relative to the test file.
 */
function readExternalData(
  raw: unknown,
  path: FieldPath,
  baseDir: string,
  checker: Checker,
): Map<string, string> {
  const content = new Map<string, string>();
  if (raw === undefined || !checker.mapAt(raw, path)) return content;
  for (const [url, file] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof file !== 'string' || file.trim() === '') {
      checker.error([...path, url], 'SK0402', `externalData '${url}' needs the path of a local file`);
      continue;
    }
    try {
      content.set(url, readFileSync(resolve(baseDir, file), 'utf8'));
    } catch (error) {
      checker.error([...path, url], 'SK0407', `cannot read ${file}: ${(error as Error).message}`);
    }
  }
  return content;
}

function readTables(
  raw: unknown,
  path: FieldPath,
  now: bigint,
  baseDir: string,
  catalog: Catalog,
  checker: Checker,
): FixtureTable[] {
  if (raw === undefined) return [];
  if (!checker.mapAt(raw, path)) return [];
  const tables: FixtureTable[] = [];
  for (const [tableName, rows] of Object.entries(raw as Record<string, unknown>)) {
    const tablePath = [...path, tableName];
    const schema = catalog.tables.get(tableName) ?? parserOutputSchema(catalog, tableName);
    if (!schema) {
      checker.error(
        tablePath,
        'SK0403',
        `unknown table '${tableName}' (not a built-in table, and no schema in kql/schemas, the config's schema folders or connectors)`,
        'key',
      );
      continue;
    }
    let rawRows: RawRow[];
    if (typeof rows === 'string') {
      const file = resolve(baseDir, rows);
      rawRows = readFixtureFile(file, displayPath(file), checker.diagnostics);
    } else if (Array.isArray(rows)) {
      rawRows = rows.flatMap((row, i) => {
        const rowPath = [...tablePath, i];
        if (!checker.mapAt(row, rowPath)) return [];
        return [
          {
            values: row as Record<string, unknown>,
            locate: (column?: string) => checker.locate(rowPath, column),
          },
        ];
      });
    } else {
      checker.error(
        tablePath,
        'SK0402',
        `table '${tableName}' needs a list of rows or a path to an NDJSON/CSV file`,
      );
      continue;
    }
    tables.push(buildFixtureTable(schema, rawRows, now, checker.diagnostics));
  }
  return tables;
}

function readExpectation(raw: unknown, path: FieldPath, checker: Checker): Expectation | undefined {
  if (raw === undefined) {
    checker.error(path, 'SK0402', 'a case needs `expect:` with at least `alerts:`');
    return undefined;
  }
  if (!checker.mapAt(raw, path, EXPECT_KEYS)) return undefined;
  const e = raw as Record<string, unknown>;
  const alerts = checker.count(e.alerts, [...path, 'alerts']);
  const incidents =
    e.incidents === undefined ? undefined : checker.count(e.incidents, [...path, 'incidents']);
  const details = e.alertDetails === undefined ? [] : e.alertDetails;
  if (!Array.isArray(details)) {
    checker.error(
      [...path, 'alertDetails'],
      'SK0402',
      '`alertDetails:` must be a list, one entry per alert in order',
    );
    return undefined;
  }
  const alertDetails = details.map((d, i) => readExpectedAlert(d, [...path, 'alertDetails', i], checker));
  if (alerts === undefined || alertDetails.some((d) => d === undefined)) return undefined;
  if (alertDetails.length > alerts) {
    checker.error(
      [...path, 'alertDetails'],
      'SK0402',
      `lists ${alertDetails.length} alerts but expects only ${alerts}`,
    );
  }
  return { alerts, incidents, alertDetails: alertDetails as ExpectedAlert[] };
}

function readExpectedAlert(raw: unknown, path: FieldPath, checker: Checker): ExpectedAlert | undefined {
  if (!checker.mapAt(raw, path, ALERT_KEYS)) return undefined;
  const a = raw as Record<string, unknown>;
  const out: ExpectedAlert = {};
  for (const key of ['name', 'description', 'severity'] as const) {
    if (a[key] !== undefined) out[key] = String(a[key]);
  }
  if (a.tactics !== undefined) {
    if (!Array.isArray(a.tactics)) checker.error([...path, 'tactics'], 'SK0402', '`tactics:` must be a list');
    else out.tactics = a.tactics.map(String);
  }
  if (a.entities !== undefined) {
    const ok =
      Array.isArray(a.entities) &&
      a.entities.every(
        (e) =>
          e &&
          typeof e === 'object' &&
          typeof e.type === 'string' &&
          e.identifiers &&
          typeof e.identifiers === 'object',
      );
    if (!ok) {
      checker.error(
        [...path, 'entities'],
        'SK0402',
        '`entities:` must be a list of { type: IP, identifiers: { Address: ... } }',
      );
    } else {
      out.entities = (a.entities as { type: string; identifiers: Record<string, unknown> }[]).map((e) => ({
        type: e.type,
        identifiers: Object.fromEntries(Object.entries(e.identifiers).map(([k, v]) => [k, String(v)])),
      }));
    }
  }
  if (a.customDetails !== undefined) {
    if (!checker.mapAt(a.customDetails, [...path, 'customDetails'])) return undefined;
    out.customDetails = Object.fromEntries(
      Object.entries(a.customDetails as Record<string, unknown>).map(([k, v]) => [
        k,
        Array.isArray(v) ? v.map(String) : String(v),
      ]),
    );
  }
  return out;
}

/** Shape checks that report at the position of the offending field. */
export class Checker {
  constructor(
    readonly source: YamlSource,
    readonly diagnostics: Diagnostic[],
  ) {}

  error(path: FieldPath, code: string, message: string, at: 'key' | 'value' = 'value'): void {
    const where = at === 'key' ? this.source.keyAt(path) : this.source.valueAt(path);
    this.diagnostics.push(this.source.diagnostic(code, 'error', message, where));
  }

  /** True when `value` is a mapping; with `keys`, unknown keys (usually typos) are errors. */
  mapAt(value: unknown, path: FieldPath, keys?: readonly string[]): boolean {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.error(path, 'SK0402', 'expected a mapping');
      return false;
    }
    for (const key of Object.keys(value)) {
      if (keys && !keys.includes(key)) {
        this.error(
          [...path, key],
          'SK0409',
          `unknown field '${key}' (expected one of: ${keys.join(', ')})`,
          'key',
        );
      }
    }
    return true;
  }

  string(value: unknown, path: FieldPath): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.error(path, 'SK0402', 'expected a non-empty string');
    return undefined;
  }

  count(value: unknown, path: FieldPath): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    this.error(path, 'SK0402', 'expected a whole number >= 0');
    return undefined;
  }

  /** A fixture value's position: the cell's key when given, else the row. */
  locate(rowPath: FieldPath, column?: string) {
    const where = column ? this.source.keyAt([...rowPath, column]) : this.source.valueAt(rowPath);
    return { file: this.source.file, line: where.line, column: where.column };
  }
}
