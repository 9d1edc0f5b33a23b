/**
 * Runs the Kusto documentation's self-contained examples on the embedded engine and compares each
 * result with the table the page prints after it.
 *
 *   npx tsx scripts/doc-examples.ts <folder of .md pages> [--show exact,different,refused,error] [--json out.json]
 *
 * An example is a ```kusto block followed (before the next code block or heading) by a Markdown
 * table. It is self-contained when it binds on an empty catalog (only datatable/print/range and
 * its own lets) and calls nothing time- or random-dependent (now, ago, rand, new_guid, current_*).
 * Every other block is counted as skipped, with why.
 *
 * Comparison: column names in order, row count and order, then each cell by the result column's
 * type, from the printed text: null = an empty cell, `null` or `(null)`; string exact but for leading and trailing
 * spaces, which a Markdown cell cannot show (`<br>` read as a line break);
 * long/int/decimal numerically; real equal when the engine value rounded to the decimals the page
 * prints is the printed value (or NaN/Infinity by name); bool case-insensitive; datetime and
 * timespan as ticks parsed from the printed text (any format Kusto parses); guid case-insensitive;
 * dynamic as JSON, deep-equal with numbers compared numerically and strings exactly (a page printing
 * invalid JSON is compared as text). The page, not the engine, is the reference: every "different"
 * is a wrong answer or a page at fault, to be checked by hand.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyCatalog } from '../src/kql/catalog.js';
import { KqlError, runQuery, type Table, UnsupportedError } from '../src/kql/index.js';
import type { KqlType, Value } from '../src/kql/values/index.js';
import { parseDateTime, parseTimespan, toJson, valueToString } from '../src/kql/values/index.js';

type Outcome = 'exact' | 'different' | 'refused' | 'error' | 'skipped';

interface Example {
  page: string;
  line: number;
  query: string;
  header: string[];
  rows: string[][];
}

interface Result {
  page: string;
  line: number;
  outcome: Outcome;
  detail: string;
}

const NON_DETERMINISTIC = /\b(?:now|ago|rand|new_guid|current_\w+|ingestion_time|extent_\w+|cursor_\w+)\s*\(/;

function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\' && inner[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (inner[i] === '|') {
      cells.push(cell);
      cell = '';
    } else cell += inner[i];
  }
  cells.push(cell);
  return cells.map(cleanCell);
}

function cleanCell(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#124;/g, '|')
    .replace(/&amp;/g, '&')
    .trim()
    .replace(/^`(.*)`$/s, '$1');
}

/** Each ```kusto block with the first table printed after it, before the next code block or heading. */
export function extractExamples(page: string, text: string): Example[] {
  const lines = text.split(/\r?\n/);
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```\s*kusto\s*$/i.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```/.test(lines[end])) end++;
    const query = lines.slice(start, end).join('\n');
    i = end;
    let j = end + 1;
    while (j < lines.length && !/^\s*(```|#)/.test(lines[j]) && !lines[j].trim().startsWith('|')) j++;
    if (j >= lines.length || !lines[j].trim().startsWith('|')) continue;
    const table: string[] = [];
    while (j < lines.length && lines[j].trim().startsWith('|')) table.push(lines[j++]);
    if (table.length < 2 || !/^\|?[\s:|-]+\|?$/.test(table[1].trim())) continue;
    examples.push({
      page,
      line: start,
      query,
      header: splitRow(table[0]),
      rows: table.slice(2).map(splitRow),
    });
    i = j - 1;
  }
  return examples;
}

function decimals(text: string): number {
  const m = /\.(\d+)(?:e|$)/i.exec(text);
  return m ? m[1].length : 0;
}

function sameReal(actual: number, printed: string): boolean {
  if (/^(nan|infinity|-infinity)$/i.test(printed)) return formatSpecial(actual) === printed.toLowerCase();
  const expected = Number(printed);
  if (Number.isNaN(expected)) return false;
  if (/e/i.test(printed)) return Math.abs(actual - expected) <= Math.abs(expected) * 1e-12;
  const d = decimals(printed);
  return Math.abs(actual - expected) <= 0.5 * 10 ** -d + Math.abs(expected) * 1e-15;
}

function formatSpecial(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  return n > 0 ? 'infinity' : '-infinity';
}

function sameJson(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'number' && typeof expected === 'number')
    return Math.abs(actual - expected) <= Math.abs(expected) * 1e-12;
  if (Array.isArray(actual) && Array.isArray(expected))
    return actual.length === expected.length && actual.every((v, i) => sameJson(v, expected[i]));
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = Object.keys(e);
    return Object.keys(a).length === keys.length && keys.every((k) => k in a && sameJson(a[k], e[k]));
  }
  return actual === expected;
}

/** Whether the engine's value is what the page prints, compared by the column's type. */
export function sameCell(v: Value, type: KqlType, printed: string): boolean {
  if (v === null) return printed === '' || /^\(?null\)?$/i.test(printed);
  switch (type) {
    case 'string':
      // A Markdown cell cannot show leading or trailing spaces.
      return (v as string).trim() === printed;
    case 'bool':
      return String(v) === printed.toLowerCase();
    case 'int':
    case 'long':
    case 'decimal':
      return printed !== '' && Number(printed) === v;
    case 'real':
      return sameReal(v as number, printed);
    case 'datetime':
      return parseDateTime(printed) === v;
    case 'timespan':
      return parseTimespan(printed) === v;
    case 'guid':
      return String(v).toLowerCase() === printed.toLowerCase();
    case 'dynamic': {
      let expected: unknown;
      try {
        expected = JSON.parse(printed);
      } catch {
        return valueToString(v, type) === printed;
      }
      return sameJson(toJson(v, type), expected);
    }
    default:
      return valueToString(v, type) === printed;
  }
}

function compare(ex: Example, result: Table): string | null {
  const names = result.columns.map((c) => c.name);
  // Values are still compared when only the names differ, so a page's misspelt header shows as such.
  const renamed =
    names.join('|') === ex.header.join('|')
      ? ''
      : `columns: page [${ex.header.join(', ')}], engine [${names.join(', ')}]`;
  if (renamed && names.length !== ex.header.length) return renamed;
  if (result.rows.length !== ex.rows.length)
    return `rows: page ${ex.rows.length}, engine ${result.rows.length}`;
  for (let r = 0; r < ex.rows.length; r++) {
    for (let c = 0; c < names.length; c++) {
      const { type } = result.columns[c];
      const printed = ex.rows[r][c] ?? '';
      const value = result.rows[r][c];
      if (!sameCell(value, type, printed))
        return `${renamed ? `${renamed}; ` : ''}row ${r + 1} ${names[c]}:${type}: page ${JSON.stringify(printed)}, engine ${JSON.stringify(toJson(value, type))}`;
    }
  }
  return renamed ? `${renamed} (names only; every value is the page's)` : null;
}

/** Runs one example and says how it fared. */
export function runExample(ex: Example): Result {
  const at = { page: ex.page, line: ex.line };
  if (NON_DETERMINISTIC.test(ex.query))
    return { ...at, outcome: 'skipped', detail: 'time- or random-dependent' };
  let result: Table;
  try {
    result = runQuery(ex.query, { catalog: emptyCatalog(), tables: new Map() });
  } catch (error) {
    if (error instanceof UnsupportedError) return { ...at, outcome: 'refused', detail: error.message };
    if (error instanceof KqlError && error.diagnostics.some((d) => /^KS(204|211|142)$/.test(d.code)))
      return { ...at, outcome: 'skipped', detail: `not self-contained: ${error.message.split('\n')[0]}` };
    return { ...at, outcome: 'error', detail: error instanceof Error ? error.message : String(error) };
  }
  const difference = compare(ex, result);
  return difference === null
    ? { ...at, outcome: 'exact', detail: '' }
    : { ...at, outcome: 'different', detail: difference };
}

function main(argv: string[]): void {
  const folder = argv[0];
  if (!folder) {
    console.error(
      'usage: tsx scripts/doc-examples.ts <folder of .md pages> [--show outcome,...] [--json out.json]',
    );
    process.exit(2);
  }
  const show = new Set((argv[argv.indexOf('--show') + 1] ?? '').split(','));
  const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : undefined;
  const results: Result[] = [];
  for (const file of readdirSync(folder)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    for (const ex of extractExamples(file, readFileSync(join(folder, file), 'utf8')))
      results.push(runExample(ex));
  }
  const tally = new Map<Outcome, number>();
  for (const r of results) {
    tally.set(r.outcome, (tally.get(r.outcome) ?? 0) + 1);
    if (show.has(r.outcome))
      console.log(`${r.outcome.padEnd(9)} ${r.page}:${r.line} ${r.detail.split('\n')[0]}`);
  }
  const run = results.length - (tally.get('skipped') ?? 0);
  const exact = tally.get('exact') ?? 0;
  console.log(
    `${results.length} examples with a printed table; ${run} self-contained: ` +
      ['exact', 'different', 'refused', 'error']
        .map((o) => `${o} ${tally.get(o as Outcome) ?? 0}`)
        .join(', ') +
      `; exact ${run === 0 ? 0 : ((100 * exact) / run).toFixed(1)}%; skipped ${tally.get('skipped') ?? 0}`,
  );
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
}

main(process.argv.slice(2));
