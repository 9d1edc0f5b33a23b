import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Catalog, loadCatalog } from '../../src/kql/catalog.js';
import { boundReferences } from '../../src/kql/references.js';
import { analyze, bridge } from '../../src/kql/syntax/index.js';
import { findFiles } from '../../src/rules/load.js';

const root = join(import.meta.dirname, '../..');

/**
 * The references found by visiting every node (not token) of the tree and of each called
 * function's expansion where it is called: tables and catalog functions, callees first.
 */
function walkEveryNode(code: any, catalog: Catalog) {
  const tables = new Set<string>();
  const functions: string[] = [];
  const visit = (node: any): void => {
    const symbol = node.ReferencedSymbol;
    const type = symbol ? String(bridge().getTypeName(symbol)) : '';
    // A table symbol without a name is a computed result (a datatable, an unpacked watchlist), not a table to load.
    if (type.endsWith('TableSymbol') && symbol.Name) tables.add(symbol.Name);
    if (type.endsWith('FunctionSymbol')) {
      const expansion = node.GetExpansion?.();
      if (expansion) visit(expansion);
      if (catalog.functions.has(symbol.Name) && !functions.includes(symbol.Name)) functions.push(symbol.Name);
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child && !child.IsToken) visit(child);
    }
  };
  visit(code.Syntax);
  return { tables: [...tables].sort(), functions };
}

describe('boundReferences', () => {
  it('finds the tables and catalog functions a visit of every node finds, callees first', {
    timeout: 300_000,
  }, () => {
    const catalog = loadCatalog(root);
    const dirs = ['kql', 'test/rules/fixtures'].map((dir) => join(root, dir));
    const queries = findFiles(dirs, (path) => /\.ya?ml$/.test(path))
      .map((file) => parse(readFileSync(file, 'utf8'))?.query)
      .filter((query): query is string => typeof query === 'string');
    expect(queries.length).toBeGreaterThan(40);
    let withFunctions = 0;
    for (const query of queries) {
      const { code } = analyze(query, catalog);
      const found = boundReferences(code, catalog);
      expect({ tables: found.tables, functions: found.functions.map((f) => f.name) }, query).toEqual(
        walkEveryNode(code, catalog),
      );
      if (found.functions.length > 0) withFunctions++;
    }
    expect(withFunctions).toBeGreaterThan(0);
  });
});
