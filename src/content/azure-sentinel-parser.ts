import { kqlTypes } from '../kql/values/types.js';

/** A parser function in the repository's shape (kql/parsers/<name>.yaml). */
export interface ParserFields {
  functionName: string;
  description?: string;
  parameters: ParserParameter[];
  query: string;
  /** The key the query was read from (`query`, `FunctionQuery`, `ParserQuery`), for positions. */
  queryKey: string;
}

export interface ParserParameter {
  name: string;
  /** A KQL scalar type, or `table` for a tabular parameter. */
  type: string;
  default?: string;
}

/**
 * A parser file in either shape: the repository's (`functionName`, `parameters`, `query`) or the
 * Azure-Sentinel repository's — Solution parsers (`FunctionName`/`FunctionAlias`, `FunctionParams`,
 * `FunctionQuery`) and ASIM parsers (`ParserName`, `ParserParams`, `ParserQuery`). The Azure-Sentinel
 * CI reads those keys (KqlValidationTests.cs, Validate_SolutionParsersFunctions_HaveValidKql and
 * Validate_ParsersFunctions_HaveValidKql) and turns each parameter into `let Name = Default;` before
 * the query. Keys match case-insensitively, as the repository's other fields do. `undefined` when
 * the document is not a parser; a string says why a parser cannot be read.
 */
export function readParserFields(data: Record<string, unknown>): ParserFields | string | undefined {
  const key = (...names: string[]) =>
    names.map((n) => Object.keys(data).find((k) => k.toLowerCase() === n.toLowerCase())).find(Boolean);
  const queryKey = key('FunctionQuery', 'ParserQuery', 'query');
  const nameKey = key('FunctionAlias', 'ParserName', 'FunctionName');
  if (!queryKey || (queryKey === key('query') && !nameKey)) return undefined;
  const name = nameKey ? data[nameKey] : undefined;
  const query = data[queryKey];
  if (typeof name !== 'string' || !/^[A-Za-z_]\w*$/.test(name) || typeof query !== 'string') {
    return `a parser needs a name (${nameKey ?? 'FunctionAlias'}, an identifier) and a query (${queryKey}, a string)`;
  }
  const paramsKey = key('FunctionParams', 'ParserParams', 'parameters');
  const params = paramsKey ? data[paramsKey] : undefined;
  const parameters: ParserParameter[] = [];
  for (const param of Array.isArray(params) ? params : []) {
    const field = (n: string) =>
      isRecord(param) ? param[Object.keys(param).find((k) => k.toLowerCase() === n) ?? ''] : undefined;
    const paramName = field('name');
    // `table:(*)` and `table:(Col:type, …)` are tabular parameters.
    const type = String(field('type') ?? '').toLowerCase();
    const kqlType = type.startsWith('table') ? 'table' : type;
    if (typeof paramName !== 'string' || !(kqlTypes as readonly string[]).concat('table').includes(kqlType)) {
      return `parameter ${JSON.stringify(param)} has no name or a type sentinel-kit does not know`;
    }
    const fallback = field('default');
    // The repository's `default` is KQL already; an Azure-Sentinel file's is the YAML value.
    const azureSentinel = paramsKey?.toLowerCase() !== 'parameters';
    const text = fallback === undefined || fallback === null ? undefined : String(fallback);
    parameters.push({
      name: paramName,
      type: kqlType,
      ...(text !== undefined ? { default: azureSentinel ? kqlDefault(text, kqlType) : text } : {}),
    });
  }
  const title = isRecord(data.Function) ? data.Function.Title : undefined;
  const description = title ?? data[key('description', 'Description') ?? ''];
  return {
    functionName: name,
    ...(typeof description === 'string' ? { description } : {}),
    parameters,
    query,
    queryKey,
  };
}

/**
 * An Azure-Sentinel parser parameter's `Default` as KQL. YAML gives `Default: '*'` as the text `*`,
 * which a function declaration needs as the string literal `"*"`; a default written already quoted
 * (`Default: "''"`) and those of other types (`datetime(null)`, `false`) are KQL as they stand.
 */
export function kqlDefault(value: string, type: string): string {
  if (type !== 'string') return value;
  return /^(['"]).*\1$/s.test(value) ? value : JSON.stringify(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
