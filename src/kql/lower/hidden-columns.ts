import { type Catalog, PARSER_STUB_FILE } from '../catalog.js';
import { bridge, toArray } from '../syntax/index.js';
import { kindName, list } from './context.js';

/**
 * The standard columns Log Analytics leaves out of a result unless the query names them. Learn
 * "Standard columns in Azure Monitor Logs" (azure-monitor-docs log-standard-columns.md @04f72d4):
 * "Some of the standard columns will not show in the schema view or intellisense in Log Analytics,
 * and they won't show in query results unless you explicitly specify the column in the output."
 * The page does not list them by name. Of the standard columns it describes, the table reference
 * (which documents each table's schema, the one the schema view shows) lists TenantId,
 * TimeGenerated, Type, _ResourceId, _SubscriptionId, _IsBillable and _BilledSize on the tables that
 * have them, and never `_ItemId` or `_TimeReceived`: those two are the hidden ones. Other names
 * (`_Internal_*`) are on neither page and stay as they are.
 */
export const HIDDEN_STANDARD_COLUMNS: ReadonlySet<string> = new Set(['_ItemId', '_TimeReceived']);

/**
 * Operators that pass their input's columns on without naming them ("not explicitly specified"):
 * a hidden column stays hidden through them, unless the operator itself assigns it (a new column
 * symbol: `extend _ItemId = ...`, `project-rename Id = _ItemId` shows `Id`). Operators that name
 * the columns of their output (project, project-reorder, summarize, distinct) show what they name.
 * Where columns of several inputs meet (join, lookup, union: renamed `_ItemId1`, merged by name)
 * the page does not settle what is shown, and the column stays visible there, as before.
 */
const PASS_THROUGH = new Set([
  'FilterOperator',
  'TakeOperator',
  'SortOperator',
  'TopOperator',
  'ExtendOperator',
  'SerializeOperator',
  'SampleOperator',
  'ProjectAwayOperator',
  'ProjectRenameOperator',
  'AsOperator',
  'MvExpandOperator',
  'ParseOperator',
  'ParseWhereOperator',
]);

/**
 * The columns of the query's result that Log Analytics would not show: hidden standard columns of
 * a workspace table that reach the result through operators that pass them on unnamed (`T`,
 * `T | where ... | take 10`, `let x = T | extend ...; x | sort by ...`). A function's output, a
 * datatable and the operators listed above as not settled give none.
 */
export function hiddenResultColumns(code: any, catalog: Catalog): string[] {
  const lets = new Map<string, ReadonlySet<string>>();
  let result: ReadonlySet<string> = new Set();
  for (const statement of list(code.Syntax.Statements)) {
    const kind = kindName(statement);
    if (kind === 'LetStatement') {
      const name = String(statement.Name?.SimpleName ?? '');
      lets.set(name, statement.Expression ? hiddenOf(statement.Expression, catalog, lets) : new Set());
    } else if (kind === 'ExpressionStatement') {
      result = hiddenOf(statement.Expression, catalog, lets);
    }
  }
  return [...result];
}

const NONE: ReadonlySet<string> = new Set();

function hiddenOf(
  node: any,
  catalog: Catalog,
  lets: ReadonlyMap<string, ReadonlySet<string>>,
): ReadonlySet<string> {
  switch (kindName(node)) {
    case 'ParenthesizedExpression':
    case 'MaterializeExpression':
      return hiddenOf(node.Expression, catalog, lets);
    case 'NameReference':
      return tableHidden(node, catalog, lets);
    case 'PipeExpression': {
      if (!PASS_THROUGH.has(kindName(node.Operator))) return NONE;
      const input = hiddenOf(node.Expression, catalog, lets);
      if (input.size === 0) return NONE;
      // A column the operator assigns (`extend _ItemId = ...`) is a new symbol: it is specified.
      const before = new Set(columnsOf(node.Expression));
      return new Set(
        columnsOf(node)
          .filter((c) => before.has(c) && input.has(c.Name))
          .map((c) => String(c.Name)),
      );
    }
    default:
      return NONE;
  }
}

function tableHidden(
  node: any,
  catalog: Catalog,
  lets: ReadonlyMap<string, ReadonlySet<string>>,
): ReadonlySet<string> {
  const name = String(node.SimpleName ?? '');
  const symbolType = String(bridge().getTypeName(node.ReferencedSymbol ?? {}));
  if (!symbolType.endsWith('TableSymbol')) return lets.get(name) ?? NONE;
  const table = catalog.tables.get(name);
  if (!table || table.file === PARSER_STUB_FILE) return NONE;
  return new Set(table.columns.map((c) => c.name).filter((c) => HIDDEN_STANDARD_COLUMNS.has(c)));
}

function columnsOf(node: any): any[] {
  return toArray(node.ResultType?.Columns);
}
