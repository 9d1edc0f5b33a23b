import { parse as parseCsv } from 'csv-parse/sync';
import { isRecord } from './azure-sentinel-parser.js';

/** A resource of an ARM template, with the variables its expressions may name. */
export interface ArmResource {
  resource: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** The version of the content it belongs to, when the template packages it (contentTemplates). */
  version?: string;
}

/**
 * Every resource of an ARM template, including those of the templates it nests: a Solution's
 * Package/mainTemplate.json wraps each analytics rule, hunting query and parser in a
 * `…/contentTemplates` resource whose `properties.mainTemplate.resources` hold the content
 * (`Microsoft.SecurityInsights/AlertRuleTemplates`, savedSearches); a deployment resource nests one
 * in `properties.template`. Nested templates read the outer template's variables (their own
 * `variables` are empty in Solution packages), so both are in scope.
 */
export function* armResources(
  template: Record<string, unknown>,
  outer: Record<string, unknown> = {},
  version?: string,
): Generator<ArmResource> {
  const variables = { ...outer, ...(isRecord(template.variables) ? template.variables : {}) };
  for (const resource of Array.isArray(template.resources) ? template.resources : []) {
    // A …/metadata resource tags packaged content with its Solution; it is not content itself.
    if (!isRecord(resource) || /\/metadata$/i.test(String(resource.type))) continue;
    const properties = isRecord(resource.properties) ? resource.properties : {};
    const nested = properties.mainTemplate ?? properties.template;
    if (isRecord(nested)) {
      // A contentTemplate carries the version of the content it packages; a deployment does not.
      const packaged = isRecord(properties.mainTemplate)
        ? armLiteral(properties.version, variables)
        : undefined;
      yield* armResources(nested, variables, packaged ?? version);
    } else {
      yield { resource, variables, ...(version ? { version } : {}) };
    }
  }
}

const VARIABLE = /^\[variables\('([^']+)'\)\]$/;

/**
 * A string property's value: a literal, or a `[variables('name')]` expression resolved against the
 * template's variables (as Solution packages write rule ids and versions). Any other expression
 * (`[parameters(…)]`, `[concat(…)]`) depends on the deployment: undefined.
 */
export function armLiteral(value: unknown, variables: Record<string, unknown>): string | undefined {
  for (let depth = 0; depth < 10 && typeof value === 'string'; depth++) {
    const variable = VARIABLE.exec(value);
    if (!variable) return isExpression(value) ? undefined : unescapeBracket(value);
    value = variables[variable[1]];
  }
  return undefined;
}

/** ARM evaluates a string in brackets; `[[` escapes a literal leading bracket. */
function isExpression(value: string): boolean {
  return value.startsWith('[') && value.endsWith(']') && !value.startsWith('[[');
}

function unescapeBracket(value: string): string {
  return value.startsWith('[[') ? value.slice(1) : value;
}

/**
 * A Sentinel watchlist resource (`…/providers/Watchlists`, the shape of the Azure-Sentinel
 * repository's Watchlists/ and Solutions' watchlist templates) as the repository's watchlist
 * document (kql/watchlists/<alias>.yaml): the alias from `properties.watchlistAlias` or the name's
 * last segment, columns and items from the CSV `rawContent`
 * (after `numberOfLinesToSkip` lines). CSV cells are text, so every column is a string. A string
 * says why the resource cannot be read.
 */
export function watchlistFromArm({ resource, variables }: ArmResource): Record<string, unknown> | string {
  const p = isRecord(resource.properties) ? resource.properties : {};
  // `Microsoft.SecurityInsights/watchlists` is named by its alias; the workspace-provider form
  // (`<workspace>/Microsoft.SecurityInsights/<alias>`) usually in a concat() of the workspace parameter.
  const literal = armLiteral(resource.name, variables);
  const named = /Microsoft\.SecurityInsights\/([A-Za-z0-9_-]+)'?\)?\]?$/.exec(String(resource.name ?? ''));
  const alias = armLiteral(p.watchlistAlias, variables) ?? literal?.split('/').pop() ?? named?.[1];
  if (!alias)
    return 'no watchlist alias (properties.watchlistAlias, or a name ending in Microsoft.SecurityInsights/<alias>)';
  const rawContent = armLiteral(p.rawContent, variables);
  if (rawContent === undefined) {
    return `watchlist '${alias}' has no inline CSV (rawContent); a watchlist uploaded from storage is not imported`;
  }
  const skip = typeof p.numberOfLinesToSkip === 'number' ? p.numberOfLinesToSkip : 0;
  let rows: string[][];
  try {
    rows = parseCsv(rawContent, {
      from_line: skip + 1,
      skip_empty_lines: true,
      relax_column_count: true,
      bom: true,
    });
  } catch (error) {
    return `watchlist '${alias}': rawContent is not valid CSV (${(error as Error).message})`;
  }
  const [header = [], ...records] = rows;
  const description = armLiteral(p.description, variables);
  return {
    watchlistAlias: alias,
    displayName: armLiteral(p.displayName, variables) ?? alias,
    ...(description ? { description } : {}),
    itemsSearchKey: armLiteral(p.itemsSearchKey, variables) ?? '',
    columns: header.map((name) => ({ name, type: 'string' })),
    items: records.map((record) => Object.fromEntries(header.map((name, i) => [name, record[i] ?? '']))),
  };
}
