import { type ColumnSchema, catalogOf } from '../kql/catalog.js';
import { type Analysis, analyze, bridge, kusto, type QueryDiagnostic } from '../kql/syntax/index.js';

/**
 * The KQL a data collection rule's `transformKql` may use, as "Supported KQL features in Azure
 * Monitor transformations" lists it (learn.microsoft.com/azure/azure-monitor/data-collection/
 * data-collection-transformations-kql, ms.date 2026-01-20; MicrosoftDocs/azure-monitor-docs
 * articles/azure-monitor/data-collection/data-collection-transformations-kql.md): "Only the operators
 * listed in this article are supported in transformations." Everything else the full engine runs
 * (summarize, take, mv-expand, parse-kv, join, union, externaldata, has_any, not(), todynamic...)
 * is refused here, as Azure refuses the DCR.
 */
export const unsupportedInTransformCode = 'SK0631';

/** Supported tabular operators, by Kusto.Language syntax class. `datatable` is an expression. */
const OPERATORS: Record<string, string> = {
  ExtendOperator: 'extend',
  ProjectOperator: 'project',
  PrintOperator: 'print',
  FilterOperator: 'where',
  ParseOperator: 'parse',
  ProjectAwayOperator: 'project-away',
  ProjectRenameOperator: 'project-rename',
};

/**
 * Supported scalar operators: "All Numerical operators", "All Datetime and Timespan arithmetic
 * operators" and the listed string operators. `and`/`or` are not listed but join the conditions of
 * the article's own samples (a `where` with two predicates), so they are kept.
 */
// biome-ignore format: the article's list, grouped as it groups them
const SCALAR_OPERATORS = new Set([
  '+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=',
  '=~', '!~', 'contains', '!contains', 'contains_cs', '!contains_cs', 'has', '!has', 'has_cs', '!has_cs',
  'startswith', '!startswith', 'startswith_cs', '!startswith_cs', 'endswith', '!endswith',
  'endswith_cs', '!endswith_cs', 'matches regex', 'in', '!in', 'and', 'or',
]);

/** The article's scalar function lists; `iff` and `replace` appear in its parse_cef_dictionary sample. */
// biome-ignore format: the article's list, grouped as it groups them
const FUNCTIONS = new Set([
  // Bitwise
  'binary_and', 'binary_or', 'binary_not', 'binary_shift_left', 'binary_shift_right', 'binary_xor',
  // Conversion
  'tobool', 'todatetime', 'todouble', 'toreal', 'toguid', 'toint', 'tolong', 'tostring', 'totimespan',
  // DateTime and TimeSpan
  'ago', 'datetime_add', 'datetime_diff', 'datetime_part', 'dayofmonth', 'dayofweek', 'dayofyear',
  'endofday', 'endofmonth', 'endofweek', 'endofyear', 'getmonth', 'getyear', 'hourofday',
  'make_datetime', 'make_timespan', 'now', 'startofday', 'startofmonth', 'startofweek', 'startofyear',
  'weekofyear',
  // Dynamic and array
  'array_concat', 'array_length', 'pack_array', 'pack', 'parse_json', 'parse_xml', 'zip',
  // Mathematical
  'abs', 'bin', 'floor', 'ceiling', 'exp', 'exp10', 'exp2', 'isfinite', 'isinf', 'isnan', 'log', 'log10',
  'log2', 'pow', 'round', 'sign',
  // Conditional
  'case', 'iif', 'iff', 'max_of', 'min_of',
  // String
  'base64_encodestring', 'base64_decodestring', 'countof', 'extract', 'extract_all', 'indexof', 'isempty',
  'isnotempty', 'split', 'strcat', 'strcat_delim', 'strlen', 'substring', 'tolower', 'toupper',
  'hash_sha256', 'replace',
  // Type
  'gettype', 'isnotnull', 'isnull',
  // Listed with the tabular operators
  'columnifexists',
]);

/** "Special functions": only transformations have them, so Kusto.Language does not know them. */
const transformOnlyFunctions: ReadonlySet<string> = new Set(['parse_cef_dictionary', 'geo_location']);

/** Names the article asks to spell differently. */
const SPELLINGS: Record<string, string> = {
  column_ifexists: 'columnifexists',
  base64_encode_tostring: 'base64_encodestring',
  base64_decode_tostring: 'base64_decodestring',
};

/** "The parse command in a transformation is limited to 10 columns per statement." */
const MAX_PARSE_COLUMNS = 10;

const syntaxName = (node: any) =>
  String(bridge().getTypeName(node)).replace(/^Kusto\.Language\.Syntax\./, '');
const symbolKind = (symbol: any) =>
  String(bridge().getTypeName(symbol)).replace(/^Kusto\.Language\.Symbols\./, '');

/**
 * Walks the bound syntax tree of a transformKql (analyzed with `source` as its only table) and
 * returns each construct a DCR refuses, positioned by offset into the query text.
 */
function transformSubsetDiagnostics(code: any): QueryDiagnostic[] {
  const K = kusto();
  const found: QueryDiagnostic[] = [];
  const refuse = (node: any, message: string) =>
    found.push({
      code: unsupportedInTransformCode,
      severity: 'error',
      message: `${message} (a DCR transformation supports only the KQL listed in "Supported KQL features in Azure Monitor transformations")`,
      start: node.TextStart,
      length: Math.max(1, node.Width),
    });
  // Functions the transform declares itself with `let` are allowed (scalar parameters only).
  const declared = new Set<string>();
  // Pre-order: a let declaration is seen before the calls that use it.
  for (const node of descendants(code.Syntax)) {
    const kind = syntaxName(node);
    const symbol = node.ReferencedSymbol;
    if (kind === 'NameDeclaration' && symbol && symbolKind(symbol) === 'FunctionSymbol') {
      declared.add(String(symbol.Name));
    }
    if (node instanceof K.Syntax.Statement) {
      if (kind !== 'LetStatement' && kind !== 'ExpressionStatement') {
        refuse(
          node,
          `'${node.GetFirstToken().Text}' statements are not supported; only let and a tabular expression`,
        );
      }
    } else if (node instanceof K.Syntax.QueryOperator) {
      if (!OPERATORS[kind]) {
        refuse(node, `the '${node.GetFirstToken().Text}' operator is not supported`);
      } else if (kind === 'ParseOperator') {
        const columns = declaredColumns(node);
        if (columns > MAX_PARSE_COLUMNS) {
          refuse(
            node,
            `parse declares ${columns} columns; a transformation allows ${MAX_PARSE_COLUMNS} per parse (split it)`,
          );
        }
      }
    } else if (kind === 'DynamicExpression') {
      refuse(node, "dynamic literals are not supported; use parse_json('...')");
    } else if (kind === 'FunctionParameter' && hasTableType(node)) {
      refuse(node, 'user-defined functions may take scalar arguments only');
    } else if (kind === 'FunctionCallExpression') {
      const name = String(node.Name?.SimpleName ?? symbol?.Name ?? '');
      const allowed = FUNCTIONS.has(name) || transformOnlyFunctions.has(name) || declared.has(name);
      if (!allowed) {
        const hint = SPELLINGS[name] ? `; write ${SPELLINGS[name]}` : '';
        refuse(node, `the function '${name}' is not supported${hint}`);
      }
    } else if (
      /Expression$/.test(kind) &&
      node.Operator &&
      symbol &&
      symbolKind(symbol) === 'OperatorSymbol'
    ) {
      const operator = String(node.Operator.Text);
      if (!SCALAR_OPERATORS.has(operator))
        refuse(node.Operator, `the '${operator}' operator is not supported`);
    } else if (TABULAR_SOURCES.has(kind)) {
      refuse(
        node,
        `'${node.GetFirstToken().Text}' is not supported; a transformation reads only 'source' (or print/datatable)`,
      );
    }
  }
  return found;
}

/**
 * Binds a transformKql over `source` (the stream's columns) and adds what a DCR refuses to
 * Kusto.Language's own diagnostics, minus its unknown-function errors for the transform-only
 * functions Azure knows.
 */
export function analyzeTransform(transformKql: string, streamColumns: ColumnSchema[]): Analysis {
  const { code, diagnostics } = analyze(
    transformKql,
    catalogOf([{ name: 'source', columns: streamColumns }]),
  );
  const kept = diagnostics.filter((d) => !isTransformOnlyCall(code, d.start));
  return {
    code,
    diagnostics: [...kept, ...transformSubsetDiagnostics(code)].sort((a, b) => a.start - b.start),
  };
}

/** Whether a Kusto.Language error at `start` is about a transform-only function, which Azure knows. */
function isTransformOnlyCall(code: any, start: number): boolean {
  return descendants(code.Syntax).some(
    (node) =>
      syntaxName(node) === 'FunctionCallExpression' &&
      transformOnlyFunctions.has(String(node.Name?.SimpleName ?? '')) &&
      start >= node.TextStart &&
      start < node.TextStart + node.Width,
  );
}

/** Tabular expressions other than `source`, `print` and `datatable`. */
const TABULAR_SOURCES = new Set([
  'ExternalDataExpression',
  'ContextualDataTableExpression',
  'ToScalarExpression',
  'ToTableExpression',
  'MaterializedViewCombineExpression',
]);

function descendants(root: any): any[] {
  const all: any[] = [];
  const visit = (node: any): void => {
    all.push(node);
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child) visit(child);
    }
  };
  visit(root);
  return all;
}

function declaredColumns(parse: any): number {
  return descendants(parse).filter(
    (node) =>
      syntaxName(node) === 'NameDeclaration' &&
      node.ReferencedSymbol &&
      symbolKind(node.ReferencedSymbol) === 'ColumnSymbol',
  ).length;
}

function hasTableType(parameter: any): boolean {
  return descendants(parameter).some((node) => syntaxName(node) === 'SchemaTypeExpression');
}
