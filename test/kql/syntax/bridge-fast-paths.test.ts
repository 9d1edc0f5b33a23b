import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { useOriginals } from '../../../src/kql/syntax/bridge-fast-paths.js';
import { analyze, resultSchema } from '../../../src/kql/syntax/index.js';
import { kusto } from '../../../src/kql/syntax/kusto.js';
import { fnvHashes } from '../../../src/kql/syntax/kusto-fast-paths.js';
import { findFiles, findRuleFiles } from '../../../src/rules/load.js';
import { validateFiles } from '../../../src/rules/validate/index.js';

const root = join(import.meta.dirname, '../../..');

/** Runs `body` with the original Bridge.NET helpers and Kusto.Language methods back in place of the fast paths. */
function withOriginals<T>(body: () => T): T {
  kusto();
  const { Bridge } = globalThis as any;
  useOriginals(Bridge, true);
  try {
    return body();
  } finally {
    useOriginals(Bridge, false);
  }
}

/** Every query of the repository's rules, hunting queries, parsers and the conformance cases. */
function corpus(): string[] {
  const queries: string[] = [];
  for (const file of findFiles([join(root, 'kql')], (path) => /\.ya?ml$/.test(path))) {
    const doc = parse(readFileSync(file, 'utf8'));
    if (typeof doc?.query === 'string') queries.push(doc.query);
  }
  const cases = join(root, 'test/kql/conformance/cases');
  for (const file of readdirSync(cases)) {
    for (const c of parse(readFileSync(join(cases, file), 'utf8')).cases) queries.push(c.query);
  }
  // Error paths: unknown names, a column named in the wrong case, type errors, syntax errors, an unresolved fuzzy union.
  queries.push(
    'SigninLogs | where NoSuchColumn == 1',
    'SigninLogs | where userprincipalname == "x" | project username = UserPrincipalName, TimeGenerated',
    'SigninLogs | where TimeGenerated > "x" | extend y = strlen(1)',
    'SigninLogs | where | project',
    'union isfuzzy=true NoSuchTable, SigninLogs | take 1',
    'let f = (t:(*)) { t | count }; f(SigninLogs)',
  );
  return queries;
}

/** What binding decided, node by node: kinds, spans, result types, referenced symbols. */
function bound(queries: string[]): string[] {
  const catalog = loadCatalog(root);
  return queries.map((query) => {
    const { code, diagnostics } = analyze(query, catalog);
    const nodes: string[] = [];
    const visit = (node: any): void => {
      nodes.push(
        `${node.Kind}@${node.TextStart}+${node.Width}:${node.ResultType?.Display ?? ''}:${node.ReferencedSymbol?.Name ?? ''}`,
      );
      for (let i = 0; i < node.ChildCount; i++) {
        const child = node.GetChild(i);
        if (child) visit(child);
      }
    };
    visit(code.Syntax);
    return JSON.stringify({ diagnostics, schema: resultSchema(code), nodes });
  });
}

describe('Bridge.NET fast paths', () => {
  // ~700 queries bound twice: ~30 s on the shared 2-core machine, 225 s at load ~20; nothing is asserted about time.
  it('bind every query of the repository and the conformance cases exactly as the original helpers do', {
    timeout: 600_000,
  }, () => {
    const queries = corpus();
    expect(queries.length).toBeGreaterThan(500);
    const original = withOriginals(() => bound(queries));
    const fast = bound(queries);
    for (let i = 0; i < queries.length; i++) expect(fast[i], queries[i]).toBe(original[i]);
  });

  it('resolve every operator over every scalar type to the signatures the original binder picks', {
    timeout: 300_000,
  }, () => {
    // A value of each scalar type, nulls and dynamic values whose primitive type is known
    // (`d.a`, `d[0]`): the binder retries an operator with those unwrapped.
    const values = [
      'true',
      'int(1)',
      '1',
      '1.5',
      'decimal(1.5)',
      '"s"',
      'datetime(2024-01-01)',
      '1d',
      'guid(00000000-0000-0000-0000-000000000001)',
      'dynamic([1])',
      'dynamic({"a": 1})',
      'dynamic(null)',
      'dynamic({"a": 1}).a',
      'dynamic(["x"])[0]',
      'long(null)',
      'string(null)',
    ];
    const binary = [
      ...['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', 'and', 'or', '=~', '!~'],
      ...['has', '!has', 'has_cs', '!has_cs', 'hasprefix', '!hasprefix', 'hassuffix', '!hassuffix'],
      ...['contains', '!contains', 'contains_cs', '!contains_cs', 'startswith', '!startswith'],
      ...['endswith', '!endswith', 'matches regex', 'like', '!like'],
    ];
    const lists = ['in', '!in', 'in~', '!in~', 'has_any', 'has_all'];
    const queries: string[] = [];
    for (const op of binary)
      queries.push(`print ${values.flatMap((a) => values.map((b) => `${a} ${op} ${b}`)).join(', ')}`);
    for (const op of lists) {
      const cases = values.flatMap((a) => values.map((b) => `${a} ${op} (${b}, ${b})`));
      queries.push(`print ${cases.join(', ')}, 1 ${op} (datatable(x: long) [1]), "a" ${op} ("b")`);
    }
    queries.push(`print ${values.map((a) => `-${a}, ${a} between (${a} .. ${a})`).join(', ')}`);
    // Each query twice: the second binding of a case answers from what the first remembered.
    const twice = [...queries, ...queries];
    const original = withOriginals(() => bound(twice));
    const fast = bound(twice);
    for (let i = 0; i < twice.length; i++) expect(fast[i], twice[i]).toBe(original[i]);
  });

  it('validate rule files, real Azure-Sentinel ones included, to the same findings as the original helpers', {
    timeout: 300_000,
  }, () => {
    // Error paths too: the repository's first rule with broken queries in place of its own.
    const [first] = findRuleFiles([join(root, 'kql/rules')]);
    const broken = mkdtempSync(join(tmpdir(), 'sk-fast-paths-'));
    [
      'AuditLogs | where NoSuchColumn == 1 | project TimeGenerated',
      'AuditLogs | where TimeGenerated > "x" | extend y = strlen(1)',
      'AuditLogs | where | project',
      'union isfuzzy=true NoSuchTable, AuditLogs | take 1',
      'AuditLogs | summarize n = count() by OperationName',
    ].forEach((query, i) => {
      const rule = parse(readFileSync(first, 'utf8'));
      writeFileSync(join(broken, `broken-${i}.yaml`), stringify({ ...rule, query, id: randomUUID() }));
    });
    const fixtures = [
      'kql/rules',
      'kql/hunting',
      'test/rules/fixtures/azure-sentinel',
      'test/rules/fixtures/azure-sentinel-ci',
    ];
    const files = findRuleFiles([broken, ...fixtures.map((dir) => join(root, dir))]);
    expect(files.length).toBeGreaterThan(30);
    // A fresh catalog each time: its own global state, binding cache and remembered bindings.
    const check = () =>
      validateFiles(files, { catalog: loadCatalog(root), compareWithGit: false }).diagnostics;
    const original = withOriginals(check);
    expect(original.some((d) => d.code === 'SK1103')).toBe(true);
    expect(check()).toEqual(original);
  });

  it('give a query result the grammar KustoCode.Create gives it, built when first read', {
    timeout: 60_000,
  }, () => {
    const query = 'SigninLogs | where ResultType == "0" | take 1';
    const original = withOriginals(() => analyze(query, loadCatalog(root)).code);
    const lazy = analyze(query, loadCatalog(root)).code;
    expect(original.Grammar).toBeTruthy();
    expect(lazy.Grammar).toBe(original.Grammar);
    // Control commands keep the original method (their grammar is the command grammar).
    expect(kusto().KustoCode.Parse('.show tables').Kind).toBe('Command');
  });

  it('answer the helpers as the originals do for lists, type tests, refs and generic types', () => {
    const K = kusto();
    const { System, Bridge } = globalThis as any;
    const ints = new (System.Collections.Generic.List$1(System.Int32).ctor)();
    ints.add(7);
    ints.add(9);
    const node = K.KustoCode.Parse('T | where x > 1').Syntax;
    const values: unknown[] = [
      ints,
      ints.AsReadOnly(),
      Bridge.toArray(ints),
      ['x', 'y'],
      new Int32Array([1, 2]),
      K.GlobalState.Default.Functions,
      node,
      node.GetChild(0),
      K.Symbols.ScalarTypes.String,
      Bridge.box(3, System.Int32),
      'text',
      '',
      5,
      0,
      true,
      false,
      {},
      () => 1,
      Bridge.box(null, System.Nullable$1(System.Int32)),
      Bridge.getEnumerator(ints, System.Int32),
      Bridge.getEnumerator([1, 2], System.Int32),
      new (K.Utils.SafeList$1(K.Symbols.Symbol).ctor)(null),
    ];
    const types = [
      System.Object,
      Object,
      System.String,
      System.Int32,
      System.IDisposable,
      System.Collections.IEnumerable,
      System.Collections.Generic.IEnumerable$1(System.Int32),
      System.Collections.Generic.List$1(System.Int32),
      K.Syntax.SyntaxNode,
      K.Syntax.SyntaxElement,
      K.Syntax.Expression,
      K.Symbols.Symbol,
      K.Symbols.ScalarSymbol,
      K.Symbols.TableSymbol,
      System.Collections.Generic.IReadOnlyList$1(K.Symbols.Symbol),
      System.Collections.Generic.IEnumerator$1(System.Int32),
    ];
    const answers = (): unknown[] => {
      const out: unknown[] = [];
      for (const value of values) {
        out.push(Bridge.isArray(value), Bridge.hasValue(value));
        for (const type of types) out.push(Bridge.is(value, type), Bridge.as(value, type) === null);
        for (const type of [System.Int32, System.String, K.Symbols.FunctionSymbol, null]) {
          let count: unknown;
          try {
            count = System.Array.getCount(value, type);
            out.push(count);
            for (let i = 0; i < Math.min(Number(count), 3); i++)
              out.push(System.Array.getItem(value, i, type));
          } catch (e) {
            out.push(String(e));
          }
        }
      }
      const holder = { field: 1 };
      const ref = Bridge.ref(holder, 'field');
      ref.v = 2;
      out.push(ref.v, holder.field);
      out.push(System.Collections.Generic.Dictionary$2(System.String, System.Int32));
      out.push(System.Collections.Generic.List$1(K.Symbols.Symbol));
      return out;
    };
    expect(answers()).toEqual(withOriginals(answers));
  });

  it('give read-only lists and null checks the answers of ListExtensions.ToReadOnly and CheckArgumentNullOrElementNull', () => {
    const K = kusto();
    const { System } = globalThis as any;
    const { ListExtensions, ArgumentCheckers, SafeList$1 } = K.Utils;
    const T = K.Symbols.Symbol;
    const list = new (System.Collections.Generic.List$1(T).ctor)();
    list.add(K.Symbols.ScalarTypes.String);
    list.add(K.Symbols.ScalarTypes.Long);
    const withNull = new (System.Collections.Generic.List$1(T).ctor)();
    withNull.add(K.Symbols.ScalarTypes.String);
    withNull.add(null);
    const safe = new (SafeList$1(T).ctor)(list);
    const lists = [
      list,
      new (System.Collections.Generic.List$1(T).ctor)(),
      safe,
      new (SafeList$1(T).ctor)(null),
      new (SafeList$1(K.Symbols.TypeSymbol).ctor)(list),
      new (SafeList$1(T).ctor)(withNull),
      withNull,
      [K.Symbols.ScalarTypes.Int],
      [],
      null,
    ];
    // Shape of an answer: the same object as the input or Empty, or else the items of a new list.
    const shape = (value: any, input: any): unknown =>
      value === input ? 'same' : value === null ? null : [value.constructor?.$$name, ...toItems(value)];
    const toItems = (value: any): unknown[] =>
      Array.from(
        { length: System.Array.getCount(value, T) },
        (_, i) => System.Array.getItem(value, i, T)?.Name ?? null,
      );
    const answers = () =>
      [1, 2].flatMap(() =>
        lists.flatMap((input) => {
          const checked = (() => {
            try {
              return ArgumentCheckers.CheckArgumentNullOrElementNull(T, input, 'items') === input;
            } catch (e: any) {
              return e.Message ?? e.message;
            }
          })();
          return [shape(ListExtensions.ToReadOnly(T, input), input), checked];
        }),
      );
    const original = withOriginals(answers);
    // Twice: the second time answers interface tests from what the first remembered.
    expect(answers()).toEqual(original);
    expect(answers()).toEqual(original);
  });

  it('count the syntax nodes on the longest path of a tree as SyntaxTree.ComputeMaxDepth does', {
    timeout: 120_000,
  }, () => {
    const { KustoCode, Syntax } = kusto();
    // Nesting deeper than MaxAnalysisDepth (the binder refuses such trees), and tokens, empty and
    // missing elements beside nodes.
    const nested = `print ${'('.repeat(300)}1${')'.repeat(300)}`;
    const queries = [...corpus(), nested, '', 'T | where', 'let x = ; x'];
    const trees = queries.map((query) => KustoCode.Parse(query).Syntax);
    const depths = () => trees.map((root) => Syntax.SyntaxTree.ComputeMaxDepth(root));
    const original = withOriginals(depths);
    expect(Math.max(...original)).toBeGreaterThan(300);
    expect(depths()).toEqual(original);
  });

  it('find dictionary entries and hash set items as Dictionary.FindEntry and HashSet.InternalGetHashCode do', () => {
    kusto();
    const { System, Bridge, Kusto } = globalThis as any;
    const { Dictionary$2, HashSet$1 } = System.Collections.Generic;
    const byObject = Dictionary$2(System.Object, System.Int32);
    const ignoringCase = Dictionary$2(System.String, System.Int32);
    const objects = HashSet$1(System.Object);
    const symbols = HashSet$1(Kusto.Language.Symbols.Symbol);
    // Each instantiation gets its fast path when looked up again after being made.
    for (const type of [byObject, ignoringCase, objects, symbols]) {
      const { $typeArguments } = type;
      expect(type.$genericTypeDefinition(...$typeArguments)).toBe(type);
    }
    const replaced = Bridge.$fastPathOriginals.filter((p: any) =>
      ['FindEntry', 'InternalGetHashCode'].includes(p.name),
    );
    for (const type of [byObject, ignoringCase, objects, symbols])
      expect(replaced.some((p: any) => p.owner === type.prototype)).toBe(true);

    const { ScalarTypes } = Kusto.Language.Symbols;
    const keys = [
      new System.Object(),
      'a',
      'A',
      'b',
      0,
      1.5,
      new System.Object(),
      ScalarTypes.String,
      ScalarTypes.Long,
    ];
    const absent = [new System.Object(), 'c', 2, ScalarTypes.Bool];
    const answers = () => {
      const dictionary = new byObject();
      const caseless = new ignoringCase.$ctor3(System.StringComparer.OrdinalIgnoreCase);
      const set = new objects();
      const symbolSet = new symbols();
      keys.forEach((key, i) => {
        dictionary.add(key, i);
        set.add(key);
        if (typeof key === 'string') caseless.setItem(key, i);
        if (key instanceof Kusto.Language.Symbols.Symbol) symbolSet.add(key);
      });
      return [...keys, ...absent].map((key) => {
        const found = { v: null };
        const foundCaseless = { v: null };
        return [
          dictionary.tryGetValue(key, found),
          found.v,
          dictionary.containsKey(key),
          set.contains(key),
          typeof key === 'string' ? [caseless.tryGetValue(key, foundCaseless), foundCaseless.v] : null,
          key instanceof Kusto.Language.Symbols.Symbol ? symbolSet.contains(key) : null,
          dictionary.remove(key),
          dictionary.containsKey(key),
        ];
      });
    };
    const original = withOriginals(answers);
    expect(original.filter((a) => a[0]).length).toBe(keys.length);
    expect(answers()).toEqual(original);
  });

  it("hash text for the lexer's keyed dictionaries as TextKeyedDictionary.Key.GetFNVHashCode does", () => {
    analyze('SigninLogs | where UserPrincipalName has "x" | take 1', loadCatalog(root));
    expect(fnvHashes.length).toBeGreaterThan(0);
    const texts = ['', 'a', 'where', 'SigninLogs', 'ünïcödé ✓ 𝔘', 'x'.repeat(300), 'has_any("a", "b")'];
    for (const { original, fast } of fnvHashes)
      for (const text of texts)
        for (const [start, length] of [
          [0, text.length],
          [1, Math.max(text.length - 2, 0)],
        ])
          expect(fast(text, start, length), `${text}@${start}+${length}`).toBe(original(text, start, length));
  });

  it('read and write the same backing field, with the same default, through the specialized auto-properties', () => {
    kusto();
    const accessors = (globalThis as any).Bridge.$fastPathOriginals.filter(
      (p: any) => p.original.get && p.original.set && String(p.original.get).includes('$init'),
    );
    expect(accessors.length).toBeGreaterThan(30);
    for (const { name, original, fast } of accessors) {
      expect(fast.get.call({ $init: {} }), name).toBe(original.get.call({ $init: {} }));
      const value = {};
      const viaFast = { $init: {} as Record<string, unknown> };
      fast.set.call(viaFast, value);
      const viaOriginal = { $init: {} as Record<string, unknown> };
      original.set.call(viaOriginal, value);
      expect(Object.keys(viaFast.$init), name).toEqual(Object.keys(viaOriginal.$init));
      expect(original.get.call(viaFast), name).toBe(value);
      expect(fast.get.call(viaOriginal), name).toBe(value);
    }
  });
});
