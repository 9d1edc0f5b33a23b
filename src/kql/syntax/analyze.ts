import type { Severity } from '../../diagnostics.js';
import type { Catalog, ColumnSchema, KqlType } from '../catalog.js';
import { kqlTypes } from '../values/types.js';
import { globalStateFor } from './globals.js';
import { kusto, toArray } from './kusto.js';
import { innerUnionResult } from './union-inner.js';

/** A problem in a query, positioned by character offset into the query text. */
export interface QueryDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  start: number;
  length: number;
}

export interface Analysis {
  /** Kusto.Language.KustoCode: the syntax tree with bound symbols and types. */
  code: any;
  diagnostics: QueryDiagnostic[];
}

/** Parses and binds a query against the catalog's tables, parsers and watchlists. */
export function analyze(query: string, catalog: Catalog): Analysis {
  const code = kusto().KustoCode.ParseAndAnalyze(query, globalStateFor(catalog, query));
  const diagnostics = toArray(code.GetDiagnostics()).map(fromKusto);
  const facts = treeFacts(code.Syntax);
  diagnostics.push(...calledFunctionDiagnostics(facts.calledWithErrors));
  const fuzzy = fuzzyUnionDiagnostics(facts.fuzzyUnions, diagnostics);
  fuzzy.sort((a, b) => a.start - b.start);
  return { code, diagnostics: fuzzy };
}

/** What the checks after binding need from a syntax tree, gathered in one walk. */
interface TreeFacts {
  /** Calls of functions whose bodies do not bind (`CalledFunctionHasErrors`). */
  calledWithErrors: any[];
  /** `union isfuzzy=true` operators. */
  fuzzyUnions: any[];
  /** The query's last expression statement outside function bodies. */
  lastStatement: any;
  /** Every node (not token) with a referenced symbol, in tree order, each before its children. */
  referencing: any[];
}

// By syntax root: resultSchema asks again for a tree analyze walked.
const factsByRoot = new WeakMap<object, TreeFacts>();

function treeFacts(root: any): TreeFacts {
  let facts = factsByRoot.get(root);
  if (facts) return facts;
  const { SyntaxKind } = kusto().Syntax;
  const found: TreeFacts = {
    calledWithErrors: [],
    fuzzyUnions: [],
    lastStatement: undefined,
    referencing: [],
  };
  const visit = (node: any, inFunctionBody: boolean): void => {
    if (node.ReferencedSymbol) found.referencing.push(node);
    if (node.CalledFunctionHasErrors) found.calledWithErrors.push(node);
    const kind = node.Kind;
    if (kind === SyntaxKind.UnionOperator && isFuzzy(node)) found.fuzzyUnions.push(node);
    if (kind === SyntaxKind.ExpressionStatement && !inFunctionBody) found.lastStatement = node;
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child?.ChildCount > 0) visit(child, inFunctionBody || child.Kind === SyntaxKind.FunctionBody);
      else if (child && !child.IsToken && child.ReferencedSymbol) found.referencing.push(child);
    }
  };
  visit(root, false);
  facts = found;
  factsByRoot.set(root, facts);
  return facts;
}

// Kusto.Language's codes for a union leg that does not resolve: a fuzzy name (warning) and a
// wildcard that matches no table (error).
const UNRESOLVED_LEG = new Set(['KS205', 'KS142']);

/**
 * `union isfuzzy=true`: "If at least one such table was found, any resolution failure yields a
 * warning ... If no resolution succeeded, the query returns an error"
 * (https://learn.microsoft.com/kusto/query/union-operator). Kusto.Language reports a wildcard
 * that matches nothing as an error even then, and an all-unresolved union as warnings only; both
 * are put right here so validation and the engine agree with the service.
 */
function fuzzyUnionDiagnostics(unions: any[], diagnostics: QueryDiagnostic[]): QueryDiagnostic[] {
  const out = [...diagnostics];
  const { SyntaxKind } = kusto().Syntax;
  for (const node of unions) {
    const legs = elements(node.Expressions);
    const unresolved = (leg: any) =>
      out.filter(
        (d) => UNRESOLVED_LEG.has(d.code) && d.start >= leg.TextStart && d.start < leg.TextStart + leg.Width,
      );
    const failed = legs.filter((leg) => unresolved(leg).length > 0);
    // Piped input (`T | union isfuzzy=true X`) is a leg that resolves; a union that starts the
    // pipe (`union isfuzzy=true X, Y | count`) has none.
    const piped = node.Parent?.Kind === SyntaxKind.PipeExpression && node.Parent.Operator === node;
    if (failed.length < legs.length || piped) {
      for (const leg of failed)
        for (const d of unresolved(leg)) if (d.code === 'KS142') d.severity = 'warning';
    } else {
      out.push({
        code: 'KS-FUZZY',
        severity: 'error',
        message: 'no table of this union isfuzzy=true resolves, so Kusto returns an error',
        start: node.TextStart,
        length: node.Width,
      });
    }
  }
  return out;
}

/** The nodes of a Kusto.Language syntax list, separators dropped. */
function elements(syntaxList: any): any[] {
  const out: any[] = [];
  for (let i = 0; i < (syntaxList?.Count ?? 0); i++) {
    const item = syntaxList.getItem(i);
    out.push(item?.Element ?? item);
  }
  return out;
}

function isFuzzy(union: any): boolean {
  return elements(union.Parameters).some(
    (p: any) =>
      String(p.Name.SimpleName).toLowerCase() === 'isfuzzy' &&
      String(p.Expression).trim().toLowerCase() === 'true',
  );
}

function fromKusto(d: any): QueryDiagnostic {
  return {
    code: d.Code,
    severity: severityOf(d.Severity),
    message: d.Message,
    start: d.Start,
    length: d.Length,
  };
}

function severityOf(severity: string): Severity {
  if (severity === 'Error') return 'error';
  if (severity === 'Warning') return 'warning';
  return 'info';
}

/**
 * Kusto.Language binds a call to a parser function without surfacing errors inside the function's
 * body: the call site only carries `CalledFunctionHasErrors`. Those errors are reported at the call
 * site, since the user edits the call (or the parser file, which is validated on its own).
 */
function calledFunctionDiagnostics(calls: any[]): QueryDiagnostic[] {
  const found: QueryDiagnostic[] = [];
  for (const node of calls) {
    const name = node.ReferencedSymbol?.Name ?? 'function';
    const expansion = node.GetExpansion();
    const inner = expansion ? toArray(expansion.GetContainedDiagnostics()) : [];
    const messages = inner.length > 0 ? inner.map((d: any) => d.Message) : ['its body does not bind'];
    for (const message of messages) {
      found.push({
        code: 'KS-CALLED',
        severity: 'error',
        message: `error in called function '${name}': ${message}`,
        start: node.TextStart,
        length: node.Width,
      });
    }
  }
  return found;
}

/** Maps a Kusto.Language type symbol to our scalar type name; dynamic subtypes are dynamic. */
export function kqlTypeOf(type: any): KqlType | undefined {
  const name: string | undefined = type?.Name;
  if (!name) return undefined;
  if (name.startsWith('dynamic')) return 'dynamic';
  return kqlTypes.includes(name as KqlType) ? (name as KqlType) : undefined;
}

/** The output columns of a tabular query, or undefined when the query does not end in a table. */
export function resultSchema(code: any): ColumnSchema[] | undefined {
  const result = code.ResultType;
  if (!result?.Columns) return undefined;
  const columns = toArray(result.Columns).map((c: any) => ({
    name: c.Name,
    type: kqlTypeOf(c.Type) ?? 'dynamic',
  }));
  // Kusto.Language 12.4.1 binds `scan` with a match_id column even without with_match_id; the scan
  // page's examples (https://learn.microsoft.com/kusto/query/scan-operator) return the source's and
  // the declared columns only. Corrected where that column reaches the result (scanPhantomMatchId).
  const phantom = phantomInResult(code);
  if (phantom >= 0) columns.splice(phantom, 1);
  // Kusto.Language 12.4.1 binds `union kind=inner` to every leg's columns (union-inner.ts).
  return innerUnionResult(code.Syntax) ?? columns;
}

/** A scan operator without `with_match_id`. */
export function isScanWithoutMatchId(node: any): boolean {
  if (node?.Kind !== kusto().Syntax.SyntaxKind.ScanOperator) return false;
  const parameters = toArray(node.Parameters).map((p: any) => p.Element ?? p);
  return !parameters.some((p: any) => String(p.Name?.SimpleName ?? '').toLowerCase() === 'with_match_id');
}

/** The nodes of a tree (not tokens) that reference a symbol, in tree order (from the walk `analyze` made). */
export function referencingNodes(root: any): readonly any[] {
  return treeFacts(root).referencing;
}

/** The query's last expression statement outside function bodies (from the walk `analyze` made). */
export function lastStatement(root: any): any {
  return treeFacts(root).lastStatement;
}

/**
 * The match_id column Kusto.Language 12.4.1 gives a scan without with_match_id (its last column),
 * or undefined when the scan has none: the column the scan page says the operator does not output.
 */
export function scanPhantomMatchId(scan: any): any {
  if (!isScanWithoutMatchId(scan)) return undefined;
  const last = toArray(scan.ResultType?.Columns).at(-1);
  return last?.Name === 'match_id' ? last : undefined;
}

/**
 * The position in the query's result of a scan's phantom match_id passed on unchanged (the same
 * column symbol) through the operators after the scan, or -1. lower/scan.ts refuses the queries
 * where the column is read or where it flows anywhere but the result.
 */
export function phantomInResult(code: any): number {
  const columns = toArray(code.ResultType?.Columns);
  let expression = lastStatement(code.Syntax)?.Expression;
  while (expression?.Kind === kusto().Syntax.SyntaxKind.PipeExpression) {
    const phantom = scanPhantomMatchId(expression.Operator);
    if (phantom) return columns.indexOf(phantom);
    expression = expression.Expression;
  }
  return -1;
}
