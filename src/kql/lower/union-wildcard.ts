import type { Column, Plan } from '../plan/types.js';
import { bridge, kqlTypeOf, toArray } from '../syntax/index.js';
import { kindName, type LowerContext, text, unsupported } from './context.js';

/** How the union lowers one matched table, and one matched view's body. */
export interface WildcardLowering {
  table(name: string, schema: Column[]): Plan;
  view(body: any): Plan;
}

/**
 * A union leg naming tables by wildcard (`union withsource=T Device*`): one leg per table or `let`
 * view the binder matched, named by it for withsource (union page: "E* would form the union of all
 * the tables in the database whose names begin E"; "the union scope can include let statements if
 * attributed with the view keyword"). A view runs from its bound declaration body; one with
 * parameters, or any other function, is refused. Undefined for a leg that is not a wildcard.
 */
export function wildcardLegs(
  leg: any,
  ctx: LowerContext,
  lower: WildcardLowering,
): { name: string; plan: Plan }[] | undefined {
  if (kindName(leg) !== 'NameReference' || !text(leg).includes('*')) return undefined;
  const symbol = leg.ReferencedSymbol;
  const isGroup = String(bridge().getTypeName(symbol ?? {})).endsWith('GroupSymbol');
  const members: any[] = isGroup ? toArray(symbol.Members) : symbol ? [symbol] : [];
  return members.map((member) => {
    const name = String(member.Name);
    const kind = String(bridge().getTypeName(member));
    if (kind.endsWith('TableSymbol') && ctx.catalog.tables.has(name)) {
      const schema = toArray(member.Columns).map((c: any) => ({
        name: String(c.Name),
        type: kqlTypeOf(c.Type) ?? 'dynamic',
      }));
      return { name, plan: lower.table(name, schema) };
    }
    const [signature, ...others] = kind.endsWith('FunctionSymbol') ? toArray(member.Signatures) : [];
    const body = signature?.Declaration;
    if (
      !member.IsView ||
      others.length > 0 ||
      toArray(signature?.Parameters).length > 0 ||
      kindName(body ?? {}) !== 'FunctionBody' ||
      !body.Expression?.ResultType?.Columns
    )
      throw unsupported(
        leg,
        ctx,
        `union over ${text(leg)}`,
        `union over ${text(leg)}: it matches '${name}', which is not a table or a view without parameters`,
      );
    return { name, plan: lower.view(body) };
  });
}
