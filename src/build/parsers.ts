import type { FunctionSchema } from '../kql/catalog.js';

export interface ParserResource {
  /** Saved search name; the function alias, which is unique in a workspace. */
  name: string;
  /** Lower-case ids of the analytics rules that call the parser (main.bicep deploys it with them). */
  usedBy: string[];
  properties: Record<string, unknown>;
}

/**
 * A parser from kql/parsers as a Log Analytics workspace function: a saved search with
 * `functionAlias` and `functionParameters` ("name:type = default, ...", the declaration syntax of
 * a KQL function's parameters; Microsoft.OperationalInsights/workspaces/savedSearches reference).
 */
export function compileParser(parser: FunctionSchema, usedBy: string[]): ParserResource {
  const parameters = parser.parameters
    .map((p) => `${p.name}:${p.type === 'table' ? '(*)' : p.type}${p.default ? ` = ${p.default}` : ''}`)
    .join(', ');
  return {
    name: parser.name,
    usedBy: [...usedBy].sort(),
    properties: {
      category: 'sentinel-kit parsers',
      displayName: parser.name,
      query: parser.body,
      functionAlias: parser.name,
      functionParameters: parameters || undefined,
      // "The version number of the query language. The current version is 2" (savedSearches REST reference).
      version: 2,
    },
  };
}
