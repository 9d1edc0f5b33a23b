import type { Catalog, FunctionSchema } from './catalog.js';

/**
 * Whether `text` names `name` as a whole identifier. A textual test, not a bound one: a column
 * or string spelled like a table also counts, which errs towards listing a dependency too many.
 */
export function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[^A-Za-z0-9_]/g, '\\$&')}($|[^A-Za-z0-9_])`).test(text);
}

/** Catalog functions the query calls, directly or through other functions, callees first. */
export function referencedFunctions(query: string, catalog: Catalog): FunctionSchema[] {
  const ordered: FunctionSchema[] = [];
  const visit = (text: string, seen: Set<string>) => {
    for (const f of catalog.functions.values()) {
      if (seen.has(f.name) || !mentions(text, f.name)) continue;
      seen.add(f.name);
      visit(f.body, seen);
      ordered.push(f);
    }
  };
  visit(query, new Set());
  return ordered;
}

/** Catalog tables the query reads, directly or through the functions it calls, sorted. */
export function referencedTables(query: string, catalog: Catalog): string[] {
  const texts = [query, ...referencedFunctions(query, catalog).map((f) => f.body)];
  return [...catalog.tables.keys()].filter((name) => texts.some((text) => mentions(text, name))).sort();
}
