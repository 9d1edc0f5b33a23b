/**
 * Data-driven conformance suite: queries from the Kusto documentation with their documented result
 * tables (cases/*.yaml), and authored cases marked `derived` with the documented rule they follow. A case the engine cannot answer yet carries `knownIssue: <reason>` and is
 * reported as a todo with that reason, never silently skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery } from '../../../src/kql/index.js';
import { parseDateTime, toJson } from '../../../src/kql/values/index.js';
import { expectKustoSchema } from '../engine/helpers.js';

const Case = z.object({
  name: z.string(),
  /**
   * Documentation page the case comes from, when it differs from the file's. Without `derived`,
   * the query and its result are printed on that page.
   */
  source: z.string().url().optional(),
  /**
   * An authored case: its result is not printed on the page but follows from the rule the page
   * states (or from a measurement of the service); says which. Re-check it when the page changes.
   */
  derived: z.string().min(10).optional(),
  query: z.string(),
  /** Expected column names, optionally with types: `name` or `name:type`. */
  columns: z.array(z.string()).optional(),
  rows: z.array(z.array(z.unknown())).optional(),
  /** The query must fail with an error whose message contains this text. */
  error: z.string().optional(),
  /** Significant digits to compare reals to, when the docs print rounded values. */
  digits: z.number().int().optional(),
  /** Compare rows as a multiset (the docs' tables have no defined order). */
  unordered: z.boolean().optional(),
  knownIssue: z.string().optional(),
});

const File = z.object({ source: z.string().url(), now: z.string().optional(), cases: z.array(Case).min(1) });

type CaseT = z.infer<typeof Case>;

// The docs' examples that use now()/ago() show no fixed outputs; cases that do pin this instant.
const DEFAULT_NOW = '2026-01-10T12:00:00Z';

function roundReals(v: unknown, digits: number | undefined): unknown {
  if (typeof v === 'number' && !Number.isInteger(v))
    return digits === undefined ? v : Number(v.toPrecision(digits));
  if (Array.isArray(v)) return v.map((x) => roundReals(x, digits));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundReals(x, digits)]));
  return v;
}

function sortRows(rows: unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function runCase(c: CaseT, now: bigint): void {
  const catalog = emptyCatalog();
  if (c.error !== undefined) {
    expect(() => runQuery(c.query, { catalog, tables: new Map(), now })).toThrow(c.error);
    return;
  }
  const result = runQuery(c.query, { catalog, tables: new Map(), now });
  expectKustoSchema(c.query, result, catalog);
  if (c.columns) {
    const actual = result.columns.map((col, i) =>
      c.columns?.[i]?.includes(':') ? `${col.name}:${col.type}` : col.name,
    );
    expect(actual).toEqual(c.columns);
  }
  const rows = result.rows.map((row) =>
    row.map((v, i) => roundReals(toJson(v, result.columns[i].type), c.digits)),
  );
  const expected = (c.rows ?? []).map((row) => roundReals(row, c.digits) as unknown[]);
  if (c.unordered) expect(sortRows(rows)).toEqual(sortRows(expected));
  else expect(rows).toEqual(expected);
}

const dir = join(import.meta.dirname, 'cases');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  const spec = File.parse(parse(readFileSync(join(dir, file), 'utf8')));
  const now = parseDateTime(spec.now ?? DEFAULT_NOW) as bigint;
  describe(`${file} (${spec.source})`, () => {
    for (const c of spec.cases) {
      if (c.knownIssue) it.todo(`${c.name} — known issue: ${c.knownIssue}`);
      else it(c.derived ? `${c.name} (derived: ${c.derived})` : c.name, () => runCase(c, now));
    }
  });
}
