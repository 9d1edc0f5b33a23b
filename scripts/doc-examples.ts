// Runs the Kusto documentation's self-contained examples on the engine and compares each answer with
// the output table the page prints after the example. Pages are Markdown files (any folder, e.g. the
// MicrosoftDocs/dataexplorer-docs pages fetched into /work/corpus/docs; they are not kept in this repo).
//
// An example is a ```kusto block followed, before the next code block or heading, by a Markdown table.
// It is self-contained when it binds against an empty database (datatable/print/range and lets of
// them) and calls nothing time- or random-dependent (now, ago, rand, new_guid, current_*...). A table
// holding `...` rows (a cut listing) is not comparable and is skipped.
//
// Each example is tallied as
//   exact      columns (names, order) and every value equal; rows in order, or as a multiset when the
//              query has no sort/order/top/serialize (Kusto then defines no order)
//   different  an answer that does not match the page: a potential wrong answer, listed in full (when
//              only the header names differ, the values are still compared and the detail says so)
//   refused    the engine refused a construct (UnsupportedError)
//   error      any other failure (binding, evaluation, crash)
// Values are normalised before comparing: the page's cell text is read as the result column's type
// (datetimes and timespans to ticks, whatever format the page prints; reals equal to the digits the
// page prints; bools case-insensitively; dynamic cells as JSON, falling back to text; an empty cell is
// null or the empty string; a number's thousands separators dropped (700,000,000); `\|` unescaped,
// `<br>` and `&nbsp;` read as spaces, a cell wrapped in backticks unwrapped).
//
// Usage: npx tsx scripts/doc-examples.ts [folder] [--only name-substring] [--verbose] [--json file]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyCatalog } from '../src/kql/catalog.js';
import { KqlError, runQuery, type Table, UnsupportedError } from '../src/kql/index.js';
import {
  type KqlType,
  parseDateTime,
  parseTimespan,
  type Value,
  valueToString,
  WideDecimal,
} from '../src/kql/values/index.js';

export interface Example {
  page: string;
  line: number;
  query: string;
  header: string[];
  rows: string[][];
}

export type Outcome = 'exact' | 'different' | 'refused' | 'error';

export interface Result {
  example: Example;
  outcome: Outcome | 'not self-contained';
  detail?: string;
}

const FENCE = /^\s*```/;

function tableCells(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) =>
    c
      .replace(/<br\s*\/?>|&nbsp;/g, ' ')
      .trim()
      .replace(/^`(.*)`$/, '$1')
      // A Markdown autolink `<https://...>` renders as its address.
      .replace(/^<([a-z][a-z0-9+.-]*:[^<>\s]*)>$/i, '$1')
      .replace(/\\\|/g, '|'),
  );
}

/** A header line and a separator line (`|--|--|`; some pages leave out the outer pipes). */
function startsTable(lines: string[], j: number): boolean {
  const separator = lines[j + 1] ?? '';
  return (
    lines[j].includes('|') &&
    /^[\s|:-]+$/.test(separator) &&
    separator.includes('-') &&
    separator.includes('|')
  );
}

/** Every ```kusto block with a Markdown table after it (before the next code block or heading). */
export function extractExamples(page: string, markdown: string): Example[] {
  const lines = markdown.split(/\r?\n/);
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```\s*kusto\b/i.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !FENCE.test(lines[end])) end++;
    const query = lines.slice(start, end).join('\n');
    let j = end + 1;
    while (j < lines.length && !FENCE.test(lines[j]) && !/^#/.test(lines[j]) && !startsTable(lines, j)) j++;
    i = end;
    if (j >= lines.length || !startsTable(lines, j)) continue;
    const table: string[] = [];
    while (j < lines.length && lines[j].includes('|')) table.push(lines[j++]);
    examples.push({
      page,
      line: start,
      query,
      header: tableCells(table[0]),
      rows: table.slice(2).map(tableCells),
    });
  }
  return examples;
}

// top-nested's page defines no output order; the others sort.
const ORDERED = /\b(sort|order|serialize|top-hitters)\b|\btop\b(?!-)/;

function realMatches(actual: number, text: string): boolean {
  const expected = Number(text);
  if (text === 'NaN') return Number.isNaN(actual);
  if (/^-?(Infinity|∞)$/.test(text)) return actual === (text.startsWith('-') ? -Infinity : Infinity);
  if (Number.isNaN(expected)) return false;
  if (actual === expected) return true;
  // The page prints a rounded value: equal to the digits it shows.
  const decimals = /\.(\d+)(e|$)/i.exec(text)?.[1].length ?? 0;
  // Significant digits printed (4922.48016992081 has 15, 0.00439 has 3).
  const digits = text
    .replace(/^-?/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '').length;
  if (/e/i.test(text) || digits >= 15) return Math.abs(actual - expected) <= Math.abs(expected) * 1e-12;
  return Math.abs(actual - expected) <= 0.5 * 10 ** -decimals + 1e-12;
}

function jsonMatches(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'number' && typeof expected === 'number')
    return realMatches(actual, String(expected));
  if (Array.isArray(actual) && Array.isArray(expected))
    return actual.length === expected.length && actual.every((a, i) => jsonMatches(a, expected[i]));
  if (
    actual &&
    expected &&
    typeof actual === 'object' &&
    typeof expected === 'object' &&
    !Array.isArray(expected)
  ) {
    const ka = Object.keys(actual);
    const ke = Object.keys(expected);
    return (
      ka.length === ke.length &&
      ka.every((k) =>
        jsonMatches((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]),
      )
    );
  }
  return actual === expected;
}

/**
 * A dynamic cell as JSON; some pages print it in the single-quoted form of a dynamic literal
 * (`{'a': 1,'b': '2'}`, the bag_zip page), read the same way when it has no double quotes.
 */
function parseJsonCell(text: string): { value: unknown } | undefined {
  for (const candidate of [text, /"/.test(text) ? undefined : text.replace(/'/g, '"')]) {
    if (candidate === undefined) continue;
    try {
      return { value: JSON.parse(candidate) };
    } catch {}
  }
  return undefined;
}

const NUMERIC: ReadonlySet<KqlType> = new Set(['int', 'long', 'real', 'decimal']);
const THOUSANDS = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** Whether a result cell equals the page's cell text, read as the column's type. */
export function cellMatches(v: Value, type: KqlType, cell: string): boolean {
  if (v === null || v === '') return cell === '' || cell === 'null' || (v === '' && cell === '""');
  // A number printed with thousands separators (the parse_version page's 700,000,000).
  const text = NUMERIC.has(type) && THOUSANDS.test(cell) ? cell.replace(/,/g, '') : cell;
  switch (type) {
    case 'bool':
      // Older pages print a bool as 1 or 0 (the geo_h3cell_* and geo_s2cell_neighbors pages).
      return String(v) === ({ '1': 'true', '0': 'false' }[text] ?? text.toLowerCase());
    case 'int':
    case 'long':
      return Number(text) === Number(v);
    case 'real':
      return realMatches(v as number, text);
    case 'decimal':
      // A decimal a double cannot hold is compared by its digits, exactly.
      return v instanceof WideDecimal ? text === v.digits.toString() : realMatches(v as number, text);
    case 'datetime':
      return parseDateTime(text) === v;
    case 'timespan':
      return parseTimespan(text) === v;
    case 'guid':
      return text.toLowerCase() === String(v).toLowerCase();
    case 'dynamic': {
      const json = parseJsonCell(text);
      return json === undefined ? typeof v === 'string' && v === text : jsonMatches(v, json.value);
    }
    default:
      // A Markdown cell cannot show leading or trailing spaces, and the cell text is trimmed.
      return valueToString(v, type).trim() === text;
  }
}

function rowMatches(row: Value[], table: Table, expected: string[]): boolean {
  return (
    row.length === expected.length && row.every((v, i) => cellMatches(v, table.columns[i].type, expected[i]))
  );
}

/** Why the answer differs from the page, or undefined when it is the page's. */
export function compare(example: Example, table: Table): string | undefined {
  const names = table.columns.map((c) => c.name);
  const columns = `columns ${JSON.stringify(names)}, page ${JSON.stringify(example.header)}`;
  if (names.length !== example.header.length) return columns;
  const values = compareValues(example, table);
  if (names.join('|') === example.header.join('|')) return values;
  // A page that misprints a header still shows whether the values are Kusto's.
  return `${columns} (${values === undefined ? 'names only: values equal' : values})`;
}

function compareValues(example: Example, table: Table): string | undefined {
  if (table.rows.length !== example.rows.length)
    return `${table.rows.length} rows, page ${example.rows.length}: ${show(table)}`;
  if (table.rows.every((row, i) => rowMatches(row, table, example.rows[i]))) return undefined;
  if (!ORDERED.test(example.query)) {
    const left = [...example.rows];
    const all = table.rows.every((row) => {
      const k = left.findIndex((e) => rowMatches(row, table, e));
      if (k < 0) return false;
      left.splice(k, 1);
      return true;
    });
    if (all) return undefined;
  }
  return `values differ: ${show(table)}`;
}

function show(table: Table): string {
  return table.rows
    .slice(0, 12)
    .map((r) => r.map((v, i) => valueToString(v, table.columns[i].type)).join(' | '))
    .join(' // ');
}

const NOT_SELF_CONTAINED = /does not refer to any known|KS204|KS205|KS211/;
// The page's output was printed at another time, or from randomness: not comparable.
const NON_DETERMINISTIC = /\b(?:now|ago|rand|new_guid|current_\w+|ingestion_time|extent_\w+|cursor_\w+)\s*\(/;

export function runExample(example: Example): Result {
  if (NON_DETERMINISTIC.test(example.query))
    return { example, outcome: 'not self-contained', detail: 'depends on the time or on randomness' };
  const catalog = emptyCatalog();
  try {
    const table = runQuery(example.query, {
      catalog,
      tables: new Map(),
      now: parseDateTime('2026-01-10T12:00:00Z') as bigint,
    });
    const detail = compare(example, table);
    return detail ? { example, outcome: 'different', detail } : { example, outcome: 'exact' };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UnsupportedError) return { example, outcome: 'refused', detail: message };
    if (e instanceof KqlError && NOT_SELF_CONTAINED.test(message))
      return { example, outcome: 'not self-contained', detail: message };
    return { example, outcome: 'error', detail: message.split('\n')[0] };
  }
}

/** Examples whose page cuts the listing (`...`) cannot be compared. */
function comparable(example: Example): boolean {
  return !example.rows.some((r) => r.some((c) => /^(\.\.\.|…)$/.test(c))) && !example.header.includes('...');
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const k = args.indexOf(name);
    return k >= 0 ? args.splice(k, 2)[1] : undefined;
  };
  const only = flag('--only');
  const jsonOut = flag('--json');
  const verbose = args.includes('--verbose');
  const folder = args.find((a) => !a.startsWith('--')) ?? '/work/corpus/docs';
  const pages = readdirSync(folder)
    .filter((f) => f.endsWith('.md') && (!only || f.includes(only)))
    .sort();
  const results: Result[] = [];
  for (const page of pages) {
    for (const example of extractExamples(page, readFileSync(join(folder, page), 'utf8')).filter(comparable))
      results.push(runExample(example));
  }
  const counted = results.filter((r) => r.outcome !== 'not self-contained');
  const tally = new Map<string, number>();
  for (const r of counted) tally.set(r.outcome, (tally.get(r.outcome) ?? 0) + 1);
  for (const r of counted) {
    if (r.outcome === 'exact' || (!verbose && r.outcome !== 'different')) continue;
    console.log(`${r.outcome.toUpperCase()} ${r.example.page}:${r.example.line}\n  ${r.detail}`);
  }
  const exact = tally.get('exact') ?? 0;
  console.log(
    `${pages.length} pages, ${counted.length} self-contained examples: exact ${exact} (${((100 * exact) / Math.max(1, counted.length)).toFixed(1)}%), ` +
      `different ${tally.get('different') ?? 0}, refused ${tally.get('refused') ?? 0}, error ${tally.get('error') ?? 0}`,
  );
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
