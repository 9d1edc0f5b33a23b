/**
 * Whether a column an operator outputs is ever observed downstream. Some operators give a column a
 * value the docs do not pin down (mv-apply's record column that its subquery also re-expands);
 * Kusto.Language still binds the column, so the plan must carry it, but when no later operator
 * reads it and it does not reach the result, its value cannot change the answer.
 */
import { referencingNodes } from '../syntax/analyze.js';
import { type BodyResult, boundSchema, calledName, kindName, list, type ResultKept } from './context.js';

// Operators that read every column (or may), so a column they pass over counts as read: `search`
// without a column matches every one; `as` names the rows for statements elsewhere.
const READS_EVERY_COLUMN = new Set([
  'GetSchemaOperator',
  'EvaluateOperator',
  'InvokeOperator',
  'ForkOperator',
  'FacetOperator',
  'SearchOperator',
  'AsOperator',
]);
// column_ifexists names its column in a string, not a name reference.
const READS_EVERY_COLUMN_CALLS = new Set([
  'pack_all',
  'bag_pack_columns',
  'column_ifexists',
  'columnifexists',
]);

/**
 * Operators that also count as reading every column for `unobservedAfter(..., { mergedByName })`:
 * union matches its legs' columns by name, so two columns of one name meet there in a way only the
 * service's naming decides.
 */
const MERGES_BY_NAME = new Set(['UnionOperator']);
const NONE: ReadonlySet<string> = new Set();

/** Whether `node` reads the column `name` (by name, through `*`, or through a whole-row call). */
function reads(node: any, name: string, everyColumn: ReadonlySet<string>): boolean {
  const kind = kindName(node);
  // A parse reads only its source: `*` in its pattern skips text, it names no column.
  if (kind === 'ParseOperator' || kind === 'ParseWhereOperator')
    return reads(node.Expression, name, everyColumn);
  if (kind === 'SummarizeOperator' && hasStarCopy(node) && copiesUnderOtherName(node, name)) return true;
  if (kind === 'StarExpression' && passesColumnsOn(node)) return false;
  if (everyColumn.has(kind) || READS_EVERY_COLUMN.has(kind) || kind === 'StarExpression') return true;
  if (kind === 'NameReference' && String(node.SimpleName) === name) return true;
  if (
    kind === 'FunctionCallExpression' &&
    READS_EVERY_COLUMN_CALLS.has(String(node.Name?.SimpleName ?? '').toLowerCase())
  )
    return true;
  for (let i = 0; i < (node.ChildCount ?? 0); i++) {
    const child = node.GetChild(i);
    if (child && reads(child, name, everyColumn)) return true;
  }
  return false;
}

const hasColumn = (node: any, name: string): boolean => boundSchema(node).some((c) => c.name === name);

// Aggregates whose `*` returns the input's columns' values at one row: arg_max/arg_min "at the row
// where the expression is maximal/minimal", take_any "of an arbitrary row", each column "barring the
// group-by columns" under its own name (arg-max-aggregation-function, take-any-aggregation-function
// pages). Which row is picked does not depend on those columns' values.
const STAR_COPIES = new Set(['arg_max', 'arg_min', 'take_any']);

/** A `*` argument of arg_max/arg_min/take_any: it copies the input's columns, reading none. */
function passesColumnsOn(star: any): boolean {
  let call = star.Parent;
  while (call && kindName(call) !== 'FunctionCallExpression') {
    const kind = kindName(call);
    if (kind !== 'SeparatedElement' && kind !== 'List' && kind !== 'ExpressionList') return false;
    call = call.Parent;
  }
  return call !== undefined && STAR_COPIES.has(calledName(call));
}

function hasStarCopy(node: any): boolean {
  if (kindName(node) === 'StarExpression') return passesColumnsOn(node);
  for (let i = 0; i < (node.ChildCount ?? 0); i++) {
    const child = node.GetChild(i);
    if (child && hasStarCopy(child)) return true;
  }
  return false;
}

/**
 * Whether a summarize's `*` copy of `name` may come out under another name (`name1` beside an
 * aggregate or key named `name`): then the copy is not followed by name, and counts as read.
 */
function copiesUnderOtherName(summarize: any, name: string): boolean {
  const suffixed = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d+$`);
  const columns = boundSchema(summarize);
  return columns.filter((c) => c.name === name).length > 1 || columns.some((c) => suffixed.test(c.name));
}

/**
 * True when the column `name` that the query operator `node` outputs is dropped, unread, by a later
 * operator of the same pipeline (`| project a, b`, `| summarize ... by a`, `| project-away name`).
 * A column still present where the pipeline ends (the result, a `let`, a join side) is observed.
 */
export function unobservedAfter(
  node: any,
  name: string,
  options: { mergedByName?: boolean; resultKept?: ResultKept } = {},
): boolean {
  const pipe = node.Parent;
  if (kindName(pipe) !== 'PipeExpression') return false;
  const parent = pipe.Parent;
  const kept = options.resultKept;
  if (kept && parent === kept.statement) return !kept.columns.has(name);
  const everyColumn = options.mergedByName ? MERGES_BY_NAME : NONE;
  if (kindName(parent) === 'PipeExpression' && parent.Expression === pipe)
    return droppedBy(parent, name, everyColumn, options.resultKept);
  return droppedAtEveryUse(pipe, (use) => droppedBy(use, name, everyColumn, options.resultKept));
}

/** The same for the column of a pipeline's source (`Table | ...`): dropped, unread, by its operators. */
export function unobservedFromSource(node: any, name: string): boolean {
  const pipe = node.Parent;
  return kindName(pipe) === 'PipeExpression' && pipe.Expression === node && droppedBy(pipe, name, NONE);
}

/** Whether `pipe`'s operator, or one after it in the same pipeline, drops the column unread. */
function droppedBy(
  pipe: any,
  name: string,
  everyColumn: ReadonlySet<string>,
  resultKept?: ResultKept,
): boolean {
  for (;;) {
    const op = pipe.Operator;
    // project-away names the column only to drop it.
    if (kindName(op) !== 'ProjectAwayOperator' && reads(op, name, everyColumn)) return false;
    if (!hasColumn(op, name)) return !renamesByType(op);
    const parent = pipe.Parent;
    if (resultKept && parent === resultKept.statement) return !resultKept.columns.has(name);
    if (kindName(parent) !== 'PipeExpression' || parent.Expression !== pipe)
      return droppedAtEveryUse(pipe, (use) => droppedBy(use, name, everyColumn, resultKept));
    pipe = parent;
  }
}

/**
 * Where the pipeline ending at `end` is the whole value of a tabular `let` (in parentheses or
 * `materialize()`, which only caches it: materialize page), its rows reach the query only through the
 * let's name. True when every reference to that name is the source of a pipeline (`X | ...`) for which
 * `droppedAfter(pipe)` holds; a let never referenced observes nothing. Any other end (the result, a
 * join side, `toscalar`, a function body) counts as observing.
 */
function droppedAtEveryUse(end: any, droppedAfter: (pipe: any) => boolean): boolean {
  const uses = letReferences(end);
  return (
    uses !== undefined &&
    uses.every((use) => {
      const pipe = use.Parent;
      return kindName(pipe) === 'PipeExpression' && pipe.Expression === use && droppedAfter(pipe);
    })
  );
}

/** The references to the `let` whose value is `end`, or undefined when `end` is not a let's value. */
function letReferences(end: any): any[] | undefined {
  let at = end;
  for (;;) {
    const parent = at.Parent;
    const kind = kindName(parent);
    if (kind === 'LetStatement') {
      if (parent.Expression !== at) return undefined;
      const symbol = parent.Name?.ReferencedSymbol;
      if (!symbol) return undefined;
      let root = parent;
      while (root.Parent) root = root.Parent;
      // A reference of that name Kusto.Language left unbound might still read the let: not followed.
      if (unboundReferenceTo(root, String(parent.Name.SimpleName))) return undefined;
      return referencingNodes(root).filter(
        (node) =>
          node !== parent.Name && kindName(node) === 'NameReference' && node.ReferencedSymbol === symbol,
      );
    }
    if (kind !== 'ParenthesizedExpression' && kind !== 'MaterializeExpression') return undefined;
    at = parent;
  }
}

function unboundReferenceTo(node: any, name: string): boolean {
  if (kindName(node) === 'NameReference' && String(node.SimpleName) === name && !node.ReferencedSymbol)
    return true;
  for (let i = 0; i < (node.ChildCount ?? 0); i++) {
    const child = node.GetChild(i);
    if (child && !child.IsToken && unboundReferenceTo(child, name)) return true;
  }
  return false;
}

/**
 * A piped union outputs a column of one name and several types as `<name>_<type>` (union operator
 * page), so a column missing from its output under its own name may go on under another.
 */
function renamesByType(op: any): boolean {
  return MERGES_BY_NAME.has(kindName(op));
}

/**
 * For the value of a column only (`unobservedBeyond(..., valueOnly)`): operators that name the
 * column without reading its value, passing it on unchanged or dropping it: project-away, and a
 * project whose only mention of it is an item that is the bare name (`| project b, a`).
 */
function keepsValue(op: any, name: string): boolean {
  const kind = kindName(op);
  if (kind === 'ProjectAwayOperator') return true;
  if (kind !== 'ProjectOperator') return false;
  return list(op.Expressions).every(
    (item) =>
      (kindName(item) === 'NameReference' && String(item.SimpleName) === name) || !reads(item, name, NONE),
  );
}

/**
 * True when the column `name` of `node`'s output (an operator, a pipeline's source, a function body's
 * final expression) is dropped, unread, before it reaches anything that observes it: later operators
 * of its pipeline, then the pipelines around it, through a called function's body to the call
 * (`bodyResult`) and to a parser body's kept result (`resultKept`). Anything else (a `let`, a join
 * side, the query's result) counts as observing it, and so does naming it, even to project it away.
 */
export function unobservedBeyond(
  node: any,
  name: string,
  ctx: { resultKept?: ResultKept; bodyResult?: BodyResult },
  valueOnly = false,
): boolean {
  let at = node;
  for (;;) {
    const parent = at.Parent;
    const kind = kindName(parent);
    if (kind === 'PipeExpression' && parent.Expression === at) {
      const op = parent.Operator;
      // A piped union may rename the column (`a_string` beside a leg's long `a`): its value goes on
      // under a name this walk does not follow, so it counts as read.
      if (valueOnly && renamesByType(op)) return false;
      if (valueOnly && keepsValue(op, name)) {
        // The column goes on unchanged under its name (or is dropped): follow it further.
        if (!hasColumn(op, name)) return true;
      } else {
        // Unlike droppedBy, a project-away naming the column observes it: Kusto resolves the name.
        if (reads(op, name, NONE)) return false;
        if (!hasColumn(op, name)) return !renamesByType(op);
      }
    }
    // An operator's output, a parenthesized query's, or a pipe's after its operator: the same rows.
    if (kind === 'PipeExpression' || kind === 'ParenthesizedExpression') {
      at = parent;
      continue;
    }
    const union = unionOfLeg(at);
    if (union) {
      // A leg's column goes on in the union's output under its name, unless legs give that name
      // different types (then `<name>_<type>`) or kind=inner drops it: not followed, observed.
      if (!hasColumn(union, name)) return false;
      at = union;
      continue;
    }
    const joined = rightSideOutput(parent, at, name);
    if (joined === 'follow') {
      at = parent.Parent;
      continue;
    }
    if (joined !== undefined) return joined;
    if (ctx.resultKept && parent === ctx.resultKept.statement) return !ctx.resultKept.columns.has(name);
    if (ctx.bodyResult && at === ctx.bodyResult.result) return ctx.bodyResult.unobserved(name);
    const uses = letReferences(at);
    return uses !== undefined && uses.every((use) => unobservedBeyond(use, name, ctx, valueOnly));
  }
}

/** Whether `name` is `base` with a numeric suffix (`Status1` of `Status`), as join and parse rename. */
function renamedFrom(name: string, base: string): boolean {
  return name.length > base.length && name.startsWith(base) && /^\d+$/.test(name.slice(base.length));
}

/**
 * The union `at` is a leg of (`union a, f(x), (T | ...)`, `T | union a`), or undefined. The union
 * operator page: the output has "all the columns that occur in any of the input tables", a column
 * of one name and several types as `<name>_<type>`, and kind=inner keeps only the columns every leg
 * has (https://learn.microsoft.com/kusto/query/union-operator); a leg's rows are its rows there.
 */
function unionOfLeg(at: any): any | undefined {
  let node = at.Parent;
  while (node && LEG_LIST.has(kindName(node))) node = node.Parent;
  return kindName(node) === 'UnionOperator' && node !== at.Parent ? node : undefined;
}

const LEG_LIST = new Set(['SeparatedElement', 'List', 'SyntaxList']);

/**
 * The right side of a join or lookup (`at`, the operator's `Expression`): where its column `name`
 * goes. The join page: the output has "a column for every column in each of the two tables ... The
 * columns of the right side will be automatically renamed if there are name conflicts", and
 * leftsemi/leftanti return "columns from the left side only"
 * (https://learn.microsoft.com/kusto/query/join-operator); the lookup page likewise appends the right
 * table's columns. So the column goes on under its own name ('follow': from the join's pipe) when the
 * left side has no column of that name, is dropped when the output lacks it, and counts as observed
 * when the condition names it or the left side has the name (renamed: not followed). Anything else
 * (not a right side): undefined.
 */
function rightSideOutput(op: any, at: any, name: string): boolean | 'follow' | undefined {
  const kind = kindName(op);
  if ((kind !== 'JoinOperator' && kind !== 'LookupOperator') || op.Expression !== at) return undefined;
  const condition = kind === 'JoinOperator' ? op.ConditionClause : op.LookupClause;
  if (condition && reads(condition, name, NONE)) return false;
  const pipe = op.Parent;
  if (kindName(pipe) !== 'PipeExpression' || pipe.Operator !== op) return false;
  if (hasColumn(pipe.Expression, name)) return false;
  // A right column the left side also has is renamed `<name>1`, `<name>2`, ...: `name` may then be
  // that renamed column, not this one, so it is not followed by name.
  if (boundSchema(pipe.Expression).some((c) => renamedFrom(name, c.name))) return false;
  return hasColumn(op, name) ? 'follow' : true;
}

/**
 * The columns of an operator's output (`schema`) whose values a later operator reads or the result
 * returns: which of several rows an operator keeps (take, top) shows only through these.
 */
export function observedColumns(
  node: any,
  schema: readonly { name: string }[],
  ctx: { resultKept?: ResultKept; bodyResult?: BodyResult },
): number[] {
  return schema.flatMap((c, i) => (unobservedBeyond(node, c.name, ctx, true) ? [] : [i]));
}
