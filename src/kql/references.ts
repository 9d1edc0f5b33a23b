import type { Catalog, FunctionSchema } from './catalog.js';
import { analyze, bridge, referencingNodes, toArray } from './syntax/index.js';

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
  /**
   * True when the query may read tables it does not name: `table()`, `database()`, `cluster()`,
   * `workspace()` or `app()` take the name at run time. (A wildcard such as `union Device*` is bound
   * to the tables it matches, which `tables` lists.)
   */
  open: boolean;
}

/** Functions whose argument names the table or database read (tabular-functions pages). */
const NAMED_AT_RUN_TIME = new Set(['table', 'database', 'cluster', 'workspace', 'app']);

export function boundReferences(code: any, catalog: Catalog): QueryReferences {
  const tables = new Set<string>();
  const functions: FunctionSchema[] = [];
  const external = new Set<string>();
  const seen = new Set<string>();
  let open = false;
  // In tree order, a function's expansion read where its call is: callees before their callers.
  const visit = (root: any): void => {
    for (const node of referencingNodes(root)) {
      const symbol = node.ReferencedSymbol;
      const kind = typeName(symbol);
      if (symbol.Name && kind.endsWith('TableSymbol')) tables.add(String(symbol.Name));
      // A wildcard (`union Sig*`) binds to a group of the tables (and views) it matches.
      if (kind.endsWith('GroupSymbol')) {
        for (const member of toArray(symbol.Members)) {
          if (typeName(member).endsWith('TableSymbol')) tables.add(String(member.Name));
        }
      }
      if (!kind.endsWith('FunctionSymbol')) continue;
      const name = String(symbol.Name);
      if (NAMED_AT_RUN_TIME.has(name) && !catalog.functions.has(name)) open = true;
      // `_GetWatchlist`'s stand-in body picks a watchlist with table() among its own lets
      // (syntax/globals.ts): it reads watchlists, not tables.
      const expansion = name === '_GetWatchlist' ? undefined : node.GetExpansion?.();
      if (expansion) visit(expansion);
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
  return { tables: [...tables].sort(), functions, external: [...external].sort(), open };
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
