import type { Catalog, FunctionSchema } from './catalog.js';
import { analyze, bridge, referencingNodes } from './syntax/index.js';

/**
 * What a query reads, as Kusto.Language binds it: tables and catalog functions, including those
 * read inside the functions it calls (their expansions are bound apart from the call site).
 * Bound, not textual: with ~900 tables in the catalog, names such as `Operation`, `Event` or
 * `Update` are also common column names, and a textual match would invent dependencies.
 */
export interface QueryReferences {
  /** Table names, sorted. */
  tables: string[];
  /** Catalog functions, callees before their callers. */
  functions: FunctionSchema[];
  /**
   * Functions Azure resolves whose bodies the catalog does not hold (built-in parsers such as ASIM's,
   * `_GetWatchlist`), sorted: what they read cannot be rewritten or shadowed.
   */
  external: string[];
}

export function boundReferences(code: any, catalog: Catalog): QueryReferences {
  const tables = new Set<string>();
  const functions: FunctionSchema[] = [];
  const external = new Set<string>();
  const seen = new Set<string>();
  // In tree order, a function's expansion read where its call is: callees before their callers.
  const visit = (root: any): void => {
    for (const node of referencingNodes(root)) {
      const symbol = node.ReferencedSymbol;
      if (symbol.Name && typeName(symbol).endsWith('TableSymbol')) tables.add(String(symbol.Name));
      if (!typeName(symbol).endsWith('FunctionSymbol')) continue;
      const expansion = node.GetExpansion?.();
      if (expansion) visit(expansion);
      const name = String(symbol.Name);
      const schema = catalog.functions.get(name);
      if (schema && !seen.has(name)) {
        seen.add(name);
        functions.push(schema);
      } else if (!schema && (catalog.builtinFunctions?.has(name) || name === '_GetWatchlist')) {
        external.add(name);
      }
    }
  };
  visit(code.Syntax);
  return { tables: [...tables].sort(), functions, external: [...external].sort() };
}

// Bridge's type name of an object comes from the `$$fullname`/`$$name` its class puts on its
// prototype, so it is computed once per class (every column reference asks).
const typeNames = new WeakMap<object, string>();

function typeName(symbol: any): string {
  const prototype = Object.getPrototypeOf(symbol);
  let name = typeNames.get(prototype);
  if (name === undefined) {
    name = String(bridge().getTypeName(symbol));
    typeNames.set(prototype, name);
  }
  return name;
}

/** The references of `query` bound against `catalog`. */
export function queryReferences(query: string, catalog: Catalog): QueryReferences {
  return boundReferences(analyze(query, catalog).code, catalog);
}
