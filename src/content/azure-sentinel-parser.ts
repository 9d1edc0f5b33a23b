import { type FunctionParameter, sentinelCiType } from '../kql/catalog.js';
import { type KqlType, kqlTypes } from '../kql/values/types.js';

/**
 * Where a parser file comes from, by the keys it uses: a Solution parser of Azure-Sentinel
 * (`Solutions/<name>/Parsers/*.yaml`: `FunctionName`/`FunctionAlias`, `FunctionParams`,
 * `FunctionQuery`), an ASIM parser (`Parsers/ASim<Schema>/Parsers/*.yaml`: `ParserName`,
 * `ParserParams`, `ParserQuery`) or the repository's own (kql/parsers: `functionName`, `parameters`,
 * `query`).
 */
export type ParserShape = 'solution' | 'asim' | 'repository' | 'saved-search';

/** A parser function, read from any of the three shapes. */
export interface ParserFields {
  functionName: string;
  description?: string;
  /** Scalar parameters typed as KQL; `table` for a tabular one (`table:(*)`, `table:(Col:type, …)`). */
  parameters: FunctionParameter[];
  query: string;
  /** The key the query was read from (`query`, `FunctionQuery`, `ParserQuery`), for positions. */
  queryKey: string;
  /** Where the query sits when not at the top (`properties.query` of a saved search resource). */
  queryPath?: string[];
  shape: ParserShape;
  /**
   * Set when the name is the one the Solution's package deploys rather than the file's own
   * FunctionAlias/FunctionName (packagedAlias): `afad_parser` for `FunctionAlias: afad_parser.kql`.
   */
  packaged?: true;
}

/**
 * Where a Solution parser file sits and the function aliases its Solution's package deploys
 * (`workspaces/savedSearches` `properties.functionAlias` of Package/mainTemplate.json).
 */
export interface ParserDeployment {
  file: string;
  aliases: readonly string[];
}

/** A parser that cannot be read, and why; its name when it has one. */
export interface ParserProblem {
  name?: string;
  problem: string;
  /** A parser sentinel-kit does not read (a saved search with functionParameters), not a broken one. */
  unread?: true;
}

const QUERY_KEYS: Record<string, ParserShape> = {
  functionquery: 'solution',
  parserquery: 'asim',
  query: 'repository',
};

/**
 * The one reader of parser files, for `validate`, `import` and scripts/import-solution-parsers.ts.
 * The Azure-Sentinel CI reads the Azure-Sentinel keys (KqlValidationTests.cs,
 * Validate_SolutionParsersFunctions_HaveValidKql and Validate_ParsersFunctions_HaveValidKql) and turns
 * each parameter into `let Name = Default;` before the query. Keys match case-insensitively, as the
 * repository's other fields do. An Azure-Sentinel parameter's Type is a Kusto or .NET type name as
 * the CI's schema files write them (sentinelCiType: `string`, `DateTime`, `Int32`...); the
 * repository's are KQL. `undefined` when the document is not a parser.
 */
export function readParserFields(
  data: Record<string, unknown>,
  deployment?: ParserDeployment,
): ParserFields | ParserProblem | undefined {
  if (typeof data.type === 'string' && isSavedSearchType(data.type)) return readSavedSearchParser(data);
  const key = (...names: string[]) =>
    names.map((n) => Object.keys(data).find((k) => k.toLowerCase() === n.toLowerCase())).find(Boolean);
  const queryKey = key('FunctionQuery', 'ParserQuery', 'query');
  const nameKey = key('FunctionAlias', 'ParserName', 'FunctionName');
  if (!queryKey || (queryKey === key('query') && !nameKey)) return undefined;
  const shape = QUERY_KEYS[queryKey.toLowerCase()];
  const given = nameKey ? data[nameKey] : undefined;
  const own = typeof given === 'string' ? given : undefined;
  const packaged = shape === 'solution' && deployment ? packagedAlias(deployment, own) : undefined;
  const name = packaged ?? own;
  const query = data[queryKey];
  if (name === undefined || !/^[A-Za-z_]\w*$/.test(name) || typeof query !== 'string') {
    return {
      ...(name !== undefined ? { name } : {}),
      problem: `a parser needs a name (${nameKey ?? 'FunctionAlias'}, an identifier) and a query (${queryKey}, a string)`,
    };
  }
  const paramsKey = key('FunctionParams', 'ParserParams', 'parameters');
  const params = paramsKey ? data[paramsKey] : undefined;
  const parameters: FunctionParameter[] = [];
  for (const param of Array.isArray(params) ? params : []) {
    const field = (n: string) =>
      isRecord(param) ? param[Object.keys(param).find((k) => k.toLowerCase() === n) ?? ''] : undefined;
    const paramName = field('name');
    const type = parameterType(String(field('type') ?? ''), shape);
    if (typeof paramName !== 'string' || !type) {
      return {
        name,
        problem: `parameter ${JSON.stringify(param)} has no name or a type sentinel-kit does not know`,
      };
    }
    const fallback = field('default');
    const text = fallback === undefined || fallback === null ? undefined : String(fallback);
    // The repository's `default` is KQL already; an Azure-Sentinel file's is the YAML value.
    const value = text === undefined || shape === 'repository' ? text : kqlDefault(text, type);
    parameters.push({ name: paramName, type, ...(value !== undefined ? { default: value } : {}) });
  }
  const title = isRecord(data.Function) ? data.Function.Title : undefined;
  const description = title ?? data[key('description', 'Description') ?? ''];
  return {
    functionName: name,
    ...(typeof description === 'string' ? { description } : {}),
    parameters,
    query,
    queryKey,
    shape,
    ...(packaged !== undefined ? { packaged: true as const } : {}),
  };
}

/**
 * The name a Solution's package deploys a Parsers/*.yaml under, where it is not the file's own.
 * The packaging tool (Tools/Create-Azure-Sentinel-Solution/common/commonFunctions.ps1,
 * getParserDetails) names a YAML parser by its FunctionName, unless the Solution's published
 * template has a savedSearch whose functionAlias equals the file's name up to its first dot
 * (getFileNameFromPath; PowerShell's `-eq`, so case-insensitively): then that savedSearch's
 * functionAlias is kept. So `Solutions/Alsid For AD/Parsers/afad_parser.yaml`, whose FunctionName and
 * FunctionAlias are `afad_parser.kql`, is deployed as `afad_parser` (Package/mainTemplate.json
 * @5ce7df0: savedSearch `afad_parser.kql`, `"functionAlias": "afad_parser"`), the name its rules,
 * sample queries and connector instructions call. A file whose own name the package deploys keeps it.
 */
export function packagedAlias(deployment: ParserDeployment, own: string | undefined): string | undefined {
  const { file, aliases } = deployment;
  if (own !== undefined && aliases.includes(own)) return undefined;
  const stem = (file.split(/[\\/]/).pop() ?? '').split('.')[0].toLowerCase();
  return aliases.find((alias) => alias.toLowerCase() === stem);
}

/** A `Microsoft.OperationalInsights/workspaces/savedSearches` resource type: a query, or a function with `functionAlias`. */
export const isSavedSearchType = (type: string): boolean => /\/savedSearches$/i.test(type);

/**
 * A parser deployed as a workspace function: a `Microsoft.OperationalInsights/workspaces/savedSearches`
 * resource with `properties.functionAlias` and `properties.query`, as a Solution package packs each
 * parser (Solutions/PostgreSQL/Package/mainTemplate.json @37b0706) or a Solution publishes it alone
 * (Solutions/Cisco Meraki Events via REST API/Parsers/parser_CiscoMerakiNetworkClientsAliasFunction.json
 * @aafaad0). `undefined` for a saved search without functionAlias (a saved query, not a function).
 * Its `functionParameters` is one string of `name:type = default` items, not read here: such a parser
 * is a problem marked `unread`. The package's CRLF line ends are the KQL's line ends.
 */
export function readSavedSearchParser(
  resource: Record<string, unknown>,
): ParserFields | ParserProblem | undefined {
  const properties = isRecord(resource.properties) ? resource.properties : {};
  const { functionAlias, query, functionParameters } = properties;
  if (typeof functionAlias !== 'string') return undefined;
  if (!/^[A-Za-z_]\w*$/.test(functionAlias) || typeof query !== 'string') {
    return {
      name: functionAlias,
      problem: 'a parser needs a name (functionAlias, an identifier) and a query (query, a string)',
    };
  }
  if (typeof functionParameters === 'string' && functionParameters.trim() !== '') {
    return {
      name: functionAlias,
      problem: `${functionAlias} takes parameters (functionParameters), which sentinel-kit does not read from a saved search`,
      unread: true,
    };
  }
  return {
    functionName: functionAlias,
    parameters: [],
    query,
    queryKey: 'query',
    queryPath: ['properties', 'query'],
    shape: 'saved-search',
  };
}

/**
 * The function aliases an ARM template deploys: the `properties.functionAlias` of every
 * `Microsoft.OperationalInsights/workspaces/savedSearches` resource, at the top or nested in a
 * template spec's or content template's `mainTemplate` (a Solution package packs each parser twice).
 */
export function savedSearchAliases(template: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    if (!isRecord(node)) return;
    const alias = isRecord(node.properties) ? node.properties.functionAlias : undefined;
    if (typeof node.type === 'string' && isSavedSearchType(node.type) && typeof alias === 'string')
      found.add(alias);
    for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
  };
  visit(template);
  return [...found];
}

function parameterType(text: string, shape: ParserShape): FunctionParameter['type'] | undefined {
  const type = text.trim().toLowerCase();
  if (type.startsWith('table')) return 'table';
  if (shape !== 'repository') return sentinelCiType(type);
  return (kqlTypes as readonly string[]).includes(type) ? (type as KqlType) : undefined;
}

/** Whether `read` is a parser that could not be read. */
export function isParserProblem(read: ParserFields | ParserProblem): read is ParserProblem {
  return 'problem' in read;
}

/**
 * An Azure-Sentinel parser parameter's `Default` as KQL. YAML gives `Default: '*'` as the text `*`,
 * which a function declaration needs as the string literal `"*"`; a default written already quoted
 * (`Default: "''"`) and those of other types (`datetime(null)`, `false`) are KQL as they stand.
 */
function kqlDefault(value: string, type: string): string {
  if (type !== 'string') return value;
  return /^(['"]).*\1$/s.test(value) ? value : JSON.stringify(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
