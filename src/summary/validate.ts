import type { Diagnostic } from '../diagnostics.js';
import type { Catalog } from '../kql/catalog.js';
import { boundReferences } from '../kql/references.js';
import { analyze, bridge } from '../kql/syntax/index.js';
import { parseDateTime } from '../kql/values/index.js';
import type { Position, YamlSource } from '../rules/source.js';
import { checkQuery, maskCommentsAndStrings } from '../rules/validate/query.js';
import { isSummaryPath, type LoadedSummaryRule, loadSummaryFile, QUERY_PATH } from './load.js';
import { BIN_SIZES, MAX_BIN_DELAY_MINUTES, type SummaryRule } from './model.js';

export { isSummaryPath };

/** Diagnostic codes of summary rules (SARIF rule descriptions). */
export const summaryCodes = {
  SK2101: 'Bin size, bin delay, bin start time or time selector Azure does not accept',
  SK2102: 'Destination table name Azure does not accept',
  SK2103: 'Query construct summary rules do not support',
  SK2104: 'Result column the destination table cannot hold',
  SK2105: 'Duplicate summary rule name',
} as const;

const LEARN = 'https://learn.microsoft.com/en-us/azure/azure-monitor/logs/summary-rules';

/** Validates summary rule files (kql/summary/*.yaml) as the summaryLogs API would accept them. */
export function validateSummaryFiles(
  paths: readonly string[],
  options: { catalog: Catalog; displayPath?: (path: string) => string },
): { documents: LoadedSummaryRule[]; diagnostics: Diagnostic[] } {
  const documents = paths.map((path) => loadSummaryFile(path, options.displayPath?.(path)));
  const diagnostics = documents.flatMap((d) => [...d.diagnostics, ...checkSummary(d, options.catalog)]);
  diagnostics.push(...checkUniqueNames(documents));
  return { documents, diagnostics };
}

function checkSummary({ rule, source }: LoadedSummaryRule, catalog: Catalog): Diagnostic[] {
  if (!source) return [];
  const out: Diagnostic[] = [];
  if (rule) out.push(...checkDefinition(rule, source));
  const query = rule?.ruleDefinition.query ?? source.document.getIn(QUERY_PATH);
  if (typeof query !== 'string' || query === '') return out;
  // The refused constructs first: Kusto.Language does not know workspace() and the like either, and
  // "not a summary-rule construct" says more than its binding error.
  out.push(...checkText(query, source));
  const checked = checkQuery({ query, source }, catalog, false, QUERY_PATH);
  out.push(...checked.diagnostics);
  if (checked.diagnostics.some((d) => d.severity === 'error')) return out;
  out.push(...checkBound(query, source, catalog));
  for (const [name, column] of checked.columns ?? []) {
    // Azure/Azure-Sentinel#13239: saving a rule whose result has a timespan column fails with
    // "Table validation failed ... MSG 1015: Invalid value provided for data type: timespan".
    if (column.type === 'timespan') {
      out.push(
        error(
          source,
          'SK2104',
          `result column '${name}' is a timespan, which the destination table refuses (MSG 1015); convert it, e.g. with totimespan → tolong or format_timespan`,
          source.valueAt(QUERY_PATH),
        ),
      );
    }
  }
  return out;
}

function error(
  source: YamlSource,
  code: keyof typeof summaryCodes,
  message: string,
  at: Position,
): Diagnostic {
  return source.diagnostic(code, 'error', message, at);
}

function checkDefinition(rule: SummaryRule, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const def = rule.ruleDefinition;
  const at = (field: string) => source.valueAt(['ruleDefinition', field]);
  if (!(BIN_SIZES as readonly number[]).includes(def.binSize)) {
    out.push(
      error(
        source,
        'SK2101',
        `binSize ${def.binSize} is not allowed; use one of ${BIN_SIZES.join(', ')} (minutes)`,
        at('binSize'),
      ),
    );
  }
  if (
    def.binDelay !== undefined &&
    (!Number.isInteger(def.binDelay) || def.binDelay < 0 || def.binDelay > MAX_BIN_DELAY_MINUTES)
  ) {
    out.push(
      error(
        source,
        'SK2101',
        `binDelay ${def.binDelay} must be a whole number of minutes from 0 up to ${MAX_BIN_DELAY_MINUTES}`,
        at('binDelay'),
      ),
    );
  }
  if (def.binStartTime !== undefined) {
    const ticks = parseDateTime(def.binStartTime);
    const hour = 3_600n * 10_000_000n;
    if (ticks === null) {
      out.push(
        error(
          source,
          'SK2101',
          `binStartTime '${def.binStartTime}' is not a UTC date and time such as 2026-01-01T08:00Z`,
          at('binStartTime'),
        ),
      );
    } else if (ticks % hour !== 0n) {
      out.push(
        error(
          source,
          'SK2101',
          `binStartTime '${def.binStartTime}' must be a whole hour (${LEARN}: "in whole hours")`,
          at('binStartTime'),
        ),
      );
    }
  }
  if (def.timeSelector !== undefined && def.timeSelector !== 'TimeGenerated') {
    out.push(
      error(
        source,
        'SK2101',
        `timeSelector must be 'TimeGenerated' (got '${def.timeSelector}')`,
        at('timeSelector'),
      ),
    );
  }
  const table = def.destinationTable;
  if (!/^[A-Za-z][A-Za-z0-9_]*_CL$/.test(table)) {
    out.push(
      error(
        source,
        'SK2102',
        `destinationTable '${table}' must be a custom log table name of letters, digits and '_' ending in _CL`,
        at('destinationTable'),
      ),
    );
  }
  return out;
}

function queryPosition(source: YamlSource): (index: number) => Position {
  const offset = source.offsetMapper(QUERY_PATH);
  return (index) => offset?.(index) ?? source.valueAt(QUERY_PATH);
}

/**
 * The operators summary rules refuse (summary-rules, "Create or update a summary rule"): on
 * Analytics tables every KQL operator and function except cross-resource (workspace(), app(),
 * resource()) and cross-service (adx(), arg()) queries and the plugins that reshape the schema
 * (bag_unpack, narrow, pivot); on Basic tables one table, joined to at most five Analytics tables
 * with lookup; user-defined functions are not supported, Microsoft's system functions are.
 */
function checkText(query: string, source: YamlSource): Diagnostic[] {
  const where = queryPosition(source);
  const out: Diagnostic[] = [];
  const masked = maskCommentsAndStrings(query);
  for (const match of masked.matchAll(/\b(workspace|app|resource|adx|arg)\s*\(/gi)) {
    out.push(
      error(
        source,
        'SK2103',
        `${match[1]}() is a cross-resource or cross-service query, which summary rules do not support`,
        where(match.index),
      ),
    );
  }
  for (const match of masked.matchAll(
    /\bevaluate\s+(?:hint\.\w+\s*=\s*\w+\s+)*(bag_unpack|narrow|pivot)\b/g,
  )) {
    out.push(
      error(
        source,
        'SK2103',
        `the ${match[1]} plugin reshapes the schema, which summary rules do not support`,
        where(match.index),
      ),
    );
  }
  return out;
}

/** User-defined functions and the Basic-table restrictions, from the bound query. */
function checkBound(query: string, source: YamlSource, catalog: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = queryPosition(source);
  const refuse = (message: string, index: number) => out.push(error(source, 'SK2103', message, where(index)));
  const masked = maskCommentsAndStrings(query);
  const analysis = analyze(query, catalog);
  const typeName = (symbol: any) => String(bridge().getTypeName(symbol));
  const visit = (node: any): void => {
    const symbol = node.ReferencedSymbol;
    if (symbol && typeName(symbol).endsWith('FunctionSymbol') && catalog.functions.has(String(symbol.Name))) {
      refuse(
        `${symbol.Name} is a user-defined function (kql/parsers), which summary rules do not support; inline its query`,
        node.TextStart,
      );
    }
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child) visit(child);
    }
  };
  visit(analysis.code.Syntax);
  const tables = boundReferences(analysis.code, catalog).tables;
  const basic = tables.filter((t) => catalog.tables.get(t)?.plan === 'Basic');
  if (basic.length > 0) {
    const others = tables.filter((t) => !basic.includes(t));
    if (basic.length > 1)
      refuse(
        `reads ${basic.length} Basic tables (${basic.join(', ')}); on Basic data a summary rule reads one table`,
        0,
      );
    for (const match of masked.matchAll(/\b(join|union)\b/g)) {
      refuse(
        `'${match[1]}' on Basic table ${basic[0]}: only lookup to Analytics tables is supported there`,
        match.index,
      );
    }
    const lookups = [...masked.matchAll(/\blookup\b/g)];
    if (lookups.length > 5)
      refuse(
        `${lookups.length} lookups on Basic table ${basic[0]}; at most five are supported`,
        lookups[5].index,
      );
    for (const table of others.filter((t) => catalog.tables.get(t)?.plan === 'Auxiliary')) {
      refuse(`${table} is an Auxiliary table; a Basic-table summary rule looks up Analytics tables only`, 0);
    }
  }
  return out;
}

function checkUniqueNames(documents: readonly LoadedSummaryRule[]): Diagnostic[] {
  const seen = new Map<string, string>();
  return documents.flatMap(({ rule, source, file }) => {
    if (!rule || !source) return [];
    const key = rule.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, file);
      return [];
    }
    return [
      error(source, 'SK2105', `name '${rule.name}' is already used by ${first}`, source.valueAt(['name'])),
    ];
  });
}
