// Whether the row set a window function (prev, next, row_number, row_cumsum, row_rank_*,
// row_window_session) reads is serialized. "Window functions can only be used on serialized sets"
// (https://learn.microsoft.com/kusto/query/window-functions); the service rejects the query otherwise
// ("Function 'prev' cannot be invoked in current context"). Kusto.Language 12.4.1 does not check it.
import { KqlError } from '../plan/errors.js';
import { kindName, type LowerContext, type Serialization, spanOf, unsupported } from './context.js';

// Operators whose output is serialized: sort, top and top-hitters (both pages), range and getschema
// (the serialize page), and serialize itself.
const SERIALIZING = new Set([
  'SortOperator',
  'TopOperator',
  'TopHittersOperator',
  'SerializeOperator',
  'RangeOperator',
  'GetSchemaOperator',
]);
// The serialize page's list of operators whose output is not serialized (mv-expand aside).
const UNSERIALIZING = new Set([
  'CountOperator',
  'DistinctOperator',
  'EvaluateOperator',
  'FacetOperator',
  'JoinOperator',
  'MakeSeriesOperator',
  'ReduceOperator',
  'SampleOperator',
  'SampleDistinctOperator',
  'SummarizeOperator',
  'TopNestedOperator',
]);
// The serialize page lists mv-expand's output as not serialized, the window functions page as
// serialized when its input is: the pages contradict each other.
const CONTRADICTED = new Set(['MvExpandOperator']);

/** The query operator a scalar expression belongs to (extend, where, project, serialize, ...). */
function enclosingOperator(node: any): any {
  let n = node.Parent;
  while (n && !kindName(n).endsWith('Operator')) n = n.Parent;
  return n;
}

/** The rows an operator reads when nothing is piped into it: an mv-apply subquery reads the array's elements in order. */
function implicitInput(operator: any): Serialization {
  for (let n = operator.Parent; n; n = n.Parent) {
    const kind = kindName(n);
    // The functions library's series_rate_fl calls prev() on an mv-apply subquery's rows.
    if (kind === 'MvApplyOperator') return 'serialized';
    if (kind.endsWith('Operator') || kind === 'FunctionBody') return 'unknown';
  }
  return 'unknown';
}

/** The serialization of an operator's output, given the serialization of its input. */
function afterOperator(operator: any, input: () => Serialization): Serialization {
  const kind = kindName(operator);
  if (SERIALIZING.has(kind)) return 'serialized';
  if (UNSERIALIZING.has(kind)) return 'not serialized';
  if (CONTRADICTED.has(kind)) return 'unknown';
  // "All other operators preserve the serialization property" (the serialize page).
  return input();
}

/** The serialization of a tabular expression's rows. */
export function serializationOf(expr: any, ctx: LowerContext): Serialization {
  const kind = kindName(expr);
  if (kind === 'PipeExpression')
    return afterOperator(expr.Operator, () => serializationOf(expr.Expression, ctx));
  if (kind === 'ParenthesizedExpression') return serializationOf(expr.Expression, ctx);
  // An operator first in a subquery reads the subquery's input.
  if (kind.endsWith('Operator')) return afterOperator(expr, () => implicitInput(expr));
  if (kind === 'NameReference') {
    // A table is "an arbitrary row set" (the window functions page).
    if (isTable(expr)) return 'not serialized';
    const binding = ctx.scope.get(String(expr.SimpleName));
    if (binding?.kind === 'table' && binding.serialization) return binding.serialization;
  }
  // datatable, print, union, a function call or parameter: no page says.
  return 'unknown';
}

function isTable(reference: any): boolean {
  return String(reference.ReferencedSymbol?.constructor?.$$name ?? '').endsWith('TableSymbol');
}

/** The serialization of the rows a window function call reads. */
function windowInput(call: any, ctx: LowerContext): Serialization {
  const operator = enclosingOperator(call);
  if (!operator) return 'unknown';
  // `serialize x = row_number()` serializes its input first.
  if (kindName(operator) === 'SerializeOperator') return 'serialized';
  return inputSerialization(operator, ctx);
}

/** The serialization of the rows a query operator reads: its pipe's input, or a subquery's rows. */
export function inputSerialization(operator: any, ctx: LowerContext): Serialization {
  const parent = operator.Parent;
  if (parent && kindName(parent) === 'PipeExpression' && parent.Operator === operator)
    return serializationOf(parent.Expression, ctx);
  return implicitInput(operator);
}

/** Throws when a window function reads rows that are not serialized, refuses when no page says whether they are. */
export function checkWindowInput(call: any, name: string, ctx: LowerContext): void {
  const input = windowInput(call, ctx);
  if (input === 'serialized') return;
  if (input === 'not serialized') {
    const span = spanOf(call, ctx);
    throw new KqlError([
      {
        code: 'KQL-NOT-SERIALIZED',
        severity: 'error',
        message: `Function '${name}' cannot be invoked in current context: window functions need a serialized row set (add serialize or sort before it)`,
        start: span.start,
        length: span.length,
      },
    ]);
  }
  throw unsupported(
    call,
    ctx,
    `${name}() over rows that may not be serialized`,
    `${name}() reads rows whose serialization no page states (a window function needs a serialized row set: add serialize or sort before it)`,
  );
}
