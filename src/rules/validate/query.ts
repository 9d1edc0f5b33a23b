import type { Diagnostic } from '../../diagnostics.js';
import type { Catalog, ColumnSchema } from '../../kql/catalog.js';
import { boundReferences } from '../../kql/references.js';
import { analyze, type QueryDiagnostic, resultSchema } from '../../kql/syntax/index.js';
import { tierDiagnostics } from '../../kql/tiers.js';
import type { FieldPath, Position, YamlSource } from '../source.js';

/** Sentinel: "The query length should be between 1 and 10,000 characters" (Scheduled analytics rules). */
const MAX_QUERY_LENGTH = 10_000;
/**
 * Past this size the query is certainly rejected by Sentinel and binding it would only burn time
 * (a pasted multi-megabyte blob), so KQL analysis is skipped.
 */
const MAX_ANALYZED_LENGTH = 5 * MAX_QUERY_LENGTH;

export interface QueryCheck {
  diagnostics: Diagnostic[];
  columns?: Map<string, ColumnSchema>;
  /** The tables the query reads (directly or through parsers), when it bound cleanly. */
  tables?: string[];
}

/**
 * KQL syntax and binding against the catalog, the query length limit, and forbidden wildcards.
 * Needs only the query, so it also runs on files whose other fields failed validation. `path` is
 * where the query sits in the file (custom detections keep it at queryCondition.queryText).
 */
export function checkQuery(
  { query, source, declarations = '' }: { query: string; source: YamlSource; declarations?: string },
  catalog: Catalog,
  analytics: boolean,
  path: FieldPath = ['query'],
): QueryCheck {
  const diagnostics: Diagnostic[] = [];
  const offsetMapper = source.offsetMapper(path);
  const span = (start: number, length: number): Position => {
    if (!offsetMapper) return source.valueAt(path);
    const from = offsetMapper(start);
    const to = offsetMapper(start + Math.max(length, 0));
    return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  };

  if (analytics && query.length > MAX_QUERY_LENGTH) {
    diagnostics.push(
      source.diagnostic(
        'SK1101',
        'error',
        `query is ${query.length.toLocaleString('en-US')} characters; Sentinel allows at most 10,000 ` +
          '(move shared logic into a parser function in kql/parsers/)',
        span(0, 0),
      ),
    );
  }
  if (analytics) {
    for (const match of maskCommentsAndStrings(query).matchAll(/\b(search|union)\s+\*/g)) {
      diagnostics.push(
        source.diagnostic(
          'SK1102',
          'error',
          `'${match[1]} *' is not allowed in analytics rules; name the tables to read`,
          span(match.index, match[0].length),
        ),
      );
    }
  }
  if (query.length > MAX_ANALYZED_LENGTH) {
    diagnostics.push(
      source.diagnostic(
        'SK1105',
        'info',
        `KQL analysis skipped: the query is longer than ${MAX_ANALYZED_LENGTH.toLocaleString('en-US')} characters`,
        span(0, 0),
      ),
    );
    return { diagnostics };
  }

  // `declarations` (a parser's parameters as `declare query_parameters(...)`) binds names the
  // query uses without being part of it; offsets are shifted back past it.
  const analysis = bind(declarations + query, catalog);
  for (const d of analysis.diagnostics) {
    const start = Math.max(d.start - declarations.length, 0);
    diagnostics.push(
      source.diagnostic('SK1103', d.severity, `${d.message} [${d.code}]`, span(start, d.length)),
    );
  }
  const { columns, tables } = analysis;
  if (analysis.diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  for (const d of analysis.tiers) {
    const start = Math.max(d.start - declarations.length, 0);
    diagnostics.push(source.diagnostic(d.code, d.severity, d.message, span(start, d.length)));
  }
  if (!columns) {
    if (analytics) {
      diagnostics.push(
        source.diagnostic(
          'SK1104',
          'error',
          'the query must return a table (its last statement is not tabular)',
          span(0, 0),
        ),
      );
    }
    return { diagnostics };
  }
  return {
    diagnostics,
    columns: new Map(columns.map((column) => [column.name, column])),
    tables,
  };
}

/** What binding a query found: its diagnostics and, when it binds cleanly, its result and tables. */
interface Bound {
  diagnostics: QueryDiagnostic[];
  /** What the tables' plans (Basic, Auxiliary) do not allow in the query (tiers.ts). */
  tiers: QueryDiagnostic[];
  columns?: ColumnSchema[];
  tables?: string[];
}

/**
 * Bindings by query text, per catalog: a text seen again (a rule copied into several folders, as
 * the Azure-Sentinel repository's Detections and Solutions are) is not bound again. Capped so a
 * long-lived process that keeps one catalog does not keep every text it ever checked.
 */
const bindings = new WeakMap<Catalog, Map<string, Bound>>();
const MAX_REMEMBERED = 5_000;

function bind(text: string, catalog: Catalog): Bound {
  let known = bindings.get(catalog);
  if (!known) bindings.set(catalog, (known = new Map()));
  const seen = known.get(text);
  if (seen) return seen;
  const analysis = analyze(text, catalog);
  const { code } = analysis;
  const diagnostics = analysis.diagnostics.map(asValidated);
  const failed = diagnostics.some((d) => d.severity === 'error');
  const columns = failed ? undefined : resultSchema(code);
  // One walk of the bound tree serves the plan checks and the tables reported.
  const read = failed ? undefined : boundReferences(code, catalog).tables;
  const bound = {
    diagnostics,
    tiers: read ? tierDiagnostics(code, catalog, read) : [],
    columns,
    tables: columns && read,
  };
  if (known.size >= MAX_REMEMBERED) known.clear();
  known.set(text, bound);
  return bound;
}

/**
 * `union isfuzzy=true` none of whose tables the catalog knows (KS-FUZZY, syntax/analyze.ts): Kusto
 * returns an error only when none of them exists in the workspace, and the catalog is a model of the
 * workspace's schema, not a list of what it holds (ASIM's `imAlertEvent` unions vim* parsers deployed
 * beside it). Kusto.Language, which the Azure-Sentinel CI validates with, reports such names as
 * warnings (KS205) and accepts the query; so does validate. The engine, running over the tables it
 * has, keeps the error; a wildcard that matches nothing stays Kusto.Language's KS142 error.
 */
function asValidated(d: QueryDiagnostic): QueryDiagnostic {
  if (d.code !== 'KS-FUZZY') return d;
  return {
    ...d,
    severity: 'warning',
    message:
      'no table of this union isfuzzy=true is in the catalog; Kusto returns an error where none exists',
  };
}

/**
 * Replaces comments and string literals with spaces, keeping every offset, so text searches do
 * not match inside them. Covers `//` comments, '...' and "..." with backslash escapes, verbatim
 * @'...' / @"..." strings, and ```...``` multi-line strings.
 */
export function maskCommentsAndStrings(query: string): string {
  let out = '';
  let i = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  while (i < query.length) {
    const ch = query[i];
    let end = -1;
    if (ch === '/' && query[i + 1] === '/') {
      end = query.indexOf('\n', i);
      if (end < 0) end = query.length;
    } else if (query.startsWith('```', i)) {
      end = query.indexOf('```', i + 3);
      end = end < 0 ? query.length : end + 3;
    } else if (ch === '"' || ch === "'" || (ch === '@' && (query[i + 1] === '"' || query[i + 1] === "'"))) {
      const verbatim = ch === '@';
      const quote = verbatim ? query[i + 1] : ch;
      let j = verbatim ? i + 2 : i + 1;
      while (j < query.length && query[j] !== quote && query[j] !== '\n')
        j += !verbatim && query[j] === '\\' ? 2 : 1;
      end = Math.min(j + 1, query.length);
    }
    if (end < 0) {
      out += ch;
      i++;
    } else {
      out += blank(query.slice(i, end));
      i = end;
    }
  }
  return out;
}
