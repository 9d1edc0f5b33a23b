import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Catalog, type FunctionSchema, loadCatalog } from '../../../src/kql/catalog.js';
import { boundReferences } from '../../../src/kql/references.js';
import { useOriginals } from '../../../src/kql/syntax/bridge-fast-paths.js';
import { analyze, resultSchema } from '../../../src/kql/syntax/index.js';
import { kusto } from '../../../src/kql/syntax/kusto.js';

// syntax/parsed-bodies.ts: a database function's body is parsed once per text and each call binds
// a clone. These check that a changed body is never answered from the parsed copy of the old one,
// and that binding with the copies gives what parsing each time gave.

const root = join(import.meta.dirname, '../../..');
const builtin = loadCatalog(root);

const fn = (name: string, body: string): FunctionSchema => ({
  name,
  description: `${name} (test)`,
  parameters: [{ name: 'n', type: 'long', default: '1' }],
  body,
  file: 'test',
  columns: [],
  published: true,
});

/** A new catalog object each time, so each has its own Kusto state and binding cache. */
function catalogWith(bodies: Record<string, string> = {}): Catalog {
  const functions = new Map(builtin.builtinFunctions);
  for (const [name, body] of Object.entries(bodies)) functions.set(name, fn(name, body));
  return { ...builtin, builtinFunctions: functions };
}

function bound(query: string, catalog: Catalog) {
  const { code, diagnostics } = analyze(query, catalog);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return {
    diagnostics,
    columns: resultSchema(code),
    tables: failed ? undefined : boundReferences(code, catalog).tables,
  };
}

/** Binds with `GetUnboundBody` put back to Kusto.Language's own (parse the text every time). */
function parsingEachTime<T>(body: () => T): T {
  kusto();
  const { Bridge } = globalThis as any;
  useOriginals(Bridge, true, ['GetUnboundBody']);
  try {
    return body();
  } finally {
    useOriginals(Bridge, false, ['GetUnboundBody']);
  }
}

describe('database function bodies parsed once', () => {
  it('binds a function whose body changed with the new body, in the same process', () => {
    const first = catalogWith({ TestBody: 'print a = n' });
    expect(bound('TestBody(2)', first).columns).toEqual([{ name: 'a', type: 'long' }]);
    // Same name and parameters, another body text: the parsed copy of the first must not answer.
    const second = catalogWith({ TestBody: "print b = 'x', c = n * 2.5" });
    expect(bound('TestBody(2)', second).columns).toEqual([
      { name: 'b', type: 'string' },
      { name: 'c', type: 'real' },
    ]);
    // And back: the first body again binds as the first did.
    expect(bound('TestBody(3)', catalogWith({ TestBody: 'print a = n' })).columns).toEqual([
      { name: 'a', type: 'long' },
    ]);
  });

  it("keeps a body's syntax errors on every call (the copies carry the parse's diagnostics)", () => {
    const bodies = { TestBroken: 'print a = n | where', TestCaller: 'TestBroken(n) | extend b = 1' };
    const query = 'TestCaller(1) | union (TestBroken(2))';
    const expected = parsingEachTime(() => bound(query, catalogWith(bodies)));
    expect(expected.diagnostics.length).toBeGreaterThan(0);
    // Twice on one state (the second call of each body is a copy of the first parse), then afresh.
    const catalog = catalogWith(bodies);
    expect(bound(query, catalog)).toEqual(expected);
    expect(bound(`${query} | take 1`, catalog).diagnostics).toEqual(expected.diagnostics);
    expect(bound(query, catalogWith(bodies))).toEqual(expected);
  });

  it('binds the built-in ASIM parser rule as parsing each body every time does', { timeout: 300_000 }, () => {
    // test/rules/fixtures/azure-sentinel-ci/AsimBuiltInParsers.yaml: seven unifying parsers, each a
    // union of many legs; and a call with an unknown column after it (positions of its error).
    const rule = parse(
      readFileSync(join(root, 'test/rules/fixtures/azure-sentinel-ci/AsimBuiltInParsers.yaml'), 'utf8'),
    );
    const queries = [
      rule.query as string,
      "_Im_NetworkSession(starttime=ago(1h), eventresult='Failure') | where NoSuchColumn == 1",
    ];
    for (const query of queries) {
      const expected = parsingEachTime(() => bound(query, catalogWith()));
      expect(bound(query, catalogWith())).toEqual(expected);
    }
  });
});
