// Pattern statements (https://learn.microsoft.com/kusto/query/pattern-statement): `declare pattern`
// maps tuples of string literals (and an optional path value) to tabular expressions; an invocation
// runs the expression its literal arguments select.
import type { Plan } from '../plan/types.js';
import { kindName, type LowerContext, list, Scope, text, unsupported } from './context.js';
import { lowerBody, lowerScalar } from './scalar.js';
import { lowerTabular } from './tabular.js';

/** `declare pattern name [= (...) { ... }];` binds the name to its declaration. */
export function bindPattern(statement: any, ctx: LowerContext): void {
  ctx.scope.set(String(statement.Name.SimpleName), { kind: 'pattern', declaration: statement.Pattern });
}

/** A pattern argument, path or mapped value: the page's forms are string literals only. */
function literalText(node: any, ctx: LowerContext): string {
  const value = lowerScalar(node, { schema: [] }, ctx);
  if (value.kind !== 'literal' || typeof value.value !== 'string')
    throw unsupported(
      node,
      ctx,
      'pattern value',
      'pattern values other than string literals are not documented',
    );
  return value.value;
}

/** `name(args)` or `name(args).path` of a declared pattern: the plan of the mapping it selects. */
export function lowerPatternInvocation(node: any, ctx: LowerContext): Plan | undefined {
  const call = kindName(node) === 'PathExpression' ? node.Expression : node;
  if (kindName(call) !== 'FunctionCallExpression') return undefined;
  const binding = ctx.scope.get(String(call.Name?.SimpleName ?? ''));
  if (binding?.kind !== 'pattern') return undefined;
  const args = list(call.ArgumentList?.Expressions).map((a: any) => literalText(a.Element ?? a, ctx));
  const selector = call === node ? undefined : node.Selector;
  const path =
    selector === undefined
      ? undefined
      : kindName(selector) === 'NameReference'
        ? String(selector.SimpleName)
        : literalText(kindName(selector) === 'BracketedExpression' ? selector.Expression : selector, ctx);
  const matches = list(binding.declaration?.Patterns);
  const match = matches.find((m: any) => {
    const values = list(m.ParameterValues?.Expressions).map((v: any) => literalText(v.Element ?? v, ctx));
    const mappedPath = m.PathValue ? literalText(m.PathValue.Value, ctx) : undefined;
    return values.length === args.length && values.every((v, i) => v === args[i]) && mappedPath === path;
  });
  if (!match)
    // The service answers a missing pattern definition with error SEM0036 (pattern statement page).
    throw unsupported(
      node,
      ctx,
      `pattern '${text(node)}'`,
      `pattern '${text(node)}' has no definition for these values (Kusto reports SEM0036)`,
    );
  return lowerBody(match.Body, { ...ctx, scope: new Scope(ctx.scope) }, lowerTabular);
}
