import type { Column } from '../plan/types.js';
import { innerUnionSchema, lastOperator } from '../syntax/union-inner.js';
import { boundSchema, type LowerContext, list, text, unsupported } from './context.js';
import { schemaDifference } from './verify.js';

/**
 * The columns of a `union kind=inner` (syntax/union-inner.ts). Where they differ from the outer
 * columns Kusto.Language binds, the operators after the union were bound against columns Kusto does
 * not return, so only a union that ends the query is answered (its result schema is corrected).
 */
export function innerUnionBound(node: any, ctx: LowerContext): Column[] {
  if (list(node.Expressions).some((leg) => text(leg).includes('*')))
    throw unsupported(node, ctx, 'union kind=inner over a table wildcard');
  const schema = innerUnionSchema(node);
  if ('refusal' in schema) throw unsupported(node, ctx, 'union kind=inner', schema.refusal);
  let root = node;
  while (root.Parent) root = root.Parent;
  if (schemaDifference(schema, boundSchema(node)) && lastOperator(root) !== node)
    throw unsupported(
      node,
      ctx,
      'union kind=inner followed by other operators',
      "union kind=inner followed by other operators: Kusto.Language binds kind=inner to every leg's columns, " +
        'so what follows is bound against columns Kusto does not return; end the query with the union or make ' +
        'the legs project the same columns',
    );
  return schema;
}
