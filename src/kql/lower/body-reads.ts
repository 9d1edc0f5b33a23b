import type { Catalog } from '../catalog.js';
import { bridge, toArray } from '../syntax/index.js';
import { kindName } from './context.js';

/**
 * The tables a function body reads, when the rows of its result can only come from them: over no
 * rows in those tables the body gives none, so Kusto's answer is empty whatever else the body does.
 * Undefined when a row could come from elsewhere (a constant source, an aggregate without `by`, a
 * plugin, an outer join from the right), or from something whose rows this tree does not show (a
 * catalog function, a watchlist, a table named at run time): then nothing is known without running it.
 *
 * Read from the bound syntax tree (Kusto.Language's expansion of the call), so it holds for a body
 * the engine refuses to lower: a source parser of a unifying ASIM union (`_Im_NetworkSession`)
 * whose body binds but uses a construct the engine refuses then gives no rows while its tables
 * have none, as a leg whose body the catalog does not hold does (`bodyNotHeld.reads`).
 *
 * Followed from the body's result: a `let` it references is followed to its value, and the right
 * side of `lookup` or of a join its left side drives is not followed (no left row, no output row:
 * lookup and join operator pages), so a constant lookup table (`datatable` of direction codes)
 * does not make the body's rows unknown.
 */
export function tablesOnlyReads(root: any, catalog: Catalog): string[] | undefined {
  const lets = letValues(root);
  const tables = new Set<string>();
  const followed = new Set<string>();
  const pending = [kindName(root) === 'FunctionBody' ? root.Expression : root];
  while (pending.length > 0) {
    let node = pending.pop();
    // A local function's body gives the rows of its result expression; its `let` statements are
    // followed only where that expression references them (a `datatable` or a `print` behind a
    // `let` the rows never come from, as in ASIM's vimWebSessionPaloAltoCEF @b8e662f, adds none).
    while (node && kindName(node) === 'FunctionBody') node = node.Expression;
    // A scalar expression adds no row to the pipeline it is in, whatever it reads (`where Computer
    // in (_ASIM_GetSourceBySourceType(...))`, `toscalar(...)`): its rows are not followed.
    if (!node || SCALAR_TYPE.test(String(bridge().getTypeName(node.ResultType ?? {})))) continue;
    if (!givesNoRowFromNone(node)) return undefined;
    const symbol = node.ReferencedSymbol;
    if (symbol) {
      const kind = String(bridge().getTypeName(symbol));
      const name = String(symbol.Name ?? '');
      if (kind.endsWith('.TableSymbol')) {
        // A named table is the catalog's (the body binds against it); an unnamed one is the
        // tabular parameter of a local function, whose rows are its caller's input, followed there.
        if (name && !catalog.tables.has(name)) return undefined;
        if (name) tables.add(name);
      } else if (kind.endsWith('GroupSymbol')) {
        // A wildcard binds to a group: of tables (`union Device*`), read; of columns (`temp_*`).
        for (const member of toArray(symbol.Members)) {
          const memberKind = String(bridge().getTypeName(member));
          if (memberKind.endsWith('.TableSymbol')) tables.add(String(member.Name));
          else if (!memberKind.endsWith('.ColumnSymbol')) return undefined;
        }
      } else if (kind.endsWith('FunctionSymbol') || kind.endsWith('.VariableSymbol')) {
        const values = lets.get(name);
        if (values) {
          if (!followed.has(name)) pending.push(...values);
          followed.add(name);
        } else if (kind.endsWith('.VariableSymbol')) {
          // A tabular name not bound by a `let` (`as`): its rows are not followed here.
          if (String(bridge().getTypeName(symbol.Type)).endsWith('TableSymbol')) return undefined;
        } else {
          // Not a `let` of this body: a catalog function (its body not in this tree), `_GetWatchlist`,
          // a table named at run time, or a built-in function (scalar, or `materialize`).
          if (catalog.functions.has(name) || catalog.builtinFunctions?.has(name)) return undefined;
          if (name === '_GetWatchlist' || NAMED_AT_RUN_TIME.has(name)) return undefined;
        }
      } else if (!READ_SYMBOL.test(kind)) return undefined;
    }
    const notFollowed = leftDriven(node) ? node.Expression : undefined;
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child && child !== notFollowed) pending.push(child);
    }
  }
  return tables.size > 0 ? [...tables].sort() : undefined;
}

/** Kusto.Language's symbols of scalar types (ScalarTypes: the primitive and dynamic types). */
const SCALAR_TYPE = /\.(Primitive|Dynamic\w*)Symbol$/;

/** Every `let` of the tree by name (all of a name's values where scopes reuse it). */
function letValues(root: any): Map<string, any[]> {
  const lets = new Map<string, any[]>();
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) continue;
    if (kindName(node) === 'LetStatement') {
      const name = String(node.Name?.SimpleName ?? '');
      lets.set(name, [...(lets.get(name) ?? []), node.Expression]);
    }
    for (let i = 0; i < node.ChildCount; i++) pending.push(node.GetChild(i));
  }
  return lets;
}

/** Functions whose argument names the table read at run time (tabular-functions pages). */
const NAMED_AT_RUN_TIME = new Set(['table', 'database', 'cluster', 'workspace', 'app', 'external_table']);

/**
 * Symbols a reference may bind to without reading rows from elsewhere: columns, parameters,
 * operators and operator parameters (`isfuzzy`), type names (`bool`, `dynamic`).
 */
const READ_SYMBOL =
  /\.(Column|Parameter|Pattern|Operator|Primitive|Dynamic\w*)Symbol$|\.QueryOperatorParameter$/;

/**
 * Query operators that give no row from an input without rows (each one's page: they filter,
 * reshape, expand or order the input's rows, or combine inputs followed here). `summarize` only
 * with `by` (without, it gives one row over no rows: summarize operator page); `join` only where
 * the left side's rows drive it. `invoke`: the function it calls is a `let` of the body (followed)
 * or a catalog one (unknown). Any other operator: not known.
 */
const NO_ROW_FROM_NONE = new Set([
  'FilterOperator',
  'ExtendOperator',
  'ProjectOperator',
  'ProjectAwayOperator',
  'ProjectKeepOperator',
  'ProjectRenameOperator',
  'ProjectReorderOperator',
  'ParseOperator',
  'ParseWhereOperator',
  'ParseKvOperator',
  'MvExpandOperator',
  'UnionOperator',
  'LookupOperator',
  'JoinOperator',
  'SummarizeOperator',
  'DistinctOperator',
  'TakeOperator',
  'TopOperator',
  'SortOperator',
  'SerializeOperator',
  'AsOperator',
  'InvokeOperator',
]);

/** Row sources that are not tables. */
const ROW_SOURCES = new Set([
  'DataTableExpression',
  'ExternalDataExpression',
  'ContextualDataTableExpression',
  'MaterializedViewCombineExpression',
]);

/** Join kinds whose rows can come from the right side alone (join operator page). */
const RIGHT_ROWS = /\bkind\s*=\s*(rightouter|fullouter|outer|rightanti|rightantisemi|rightsemi)\b/i;

function givesNoRowFromNone(node: any): boolean {
  const kind = kindName(node);
  if (ROW_SOURCES.has(kind)) return false;
  if (!kind.endsWith('Operator')) return true;
  if (!NO_ROW_FROM_NONE.has(kind)) return false;
  if (kind === 'SummarizeOperator') return Boolean(node.ByClause);
  if (kind === 'JoinOperator') return !RIGHT_ROWS.test(operatorParameters(node));
  return true;
}

/** `lookup` (leftouter or inner) and a join that passed givesNoRowFromNone: no left row, no row. */
function leftDriven(node: any): boolean {
  const kind = kindName(node);
  return kind === 'LookupOperator' || kind === 'JoinOperator';
}

function operatorParameters(node: any): string {
  return String(node.Parameters?.ToString?.() ?? '');
}
