// The narrow plugin (https://learn.microsoft.com/kusto/query/narrow-plugin), executed in
// execute/narrow.ts.
import type { Plan } from '../plan/types.js';
import type { KqlType } from '../values/index.js';
import { boundSchema, type LowerContext, list, spanOf, unsupported } from './context.js';

/**
 * The column types whose text the page prints: strings, whole numbers (`2`, `5167628070`), bools
 * (`True`), datetimes (`2017-03-14 10:59:18.9263023`) and reals (`0.130552847673333`). Its text for
 * a timespan, guid, decimal or dynamic value is not shown.
 */
export const NARROW_TYPES: readonly KqlType[] = ['string', 'int', 'long', 'bool', 'datetime', 'real'];

const OUTPUT = ['Row', 'Column', 'Value'];

/** `T | evaluate narrow()`: Row, Column and Value, as Kusto.Language binds them. */
export function lowerNarrow(node: any, input: Plan, ctx: LowerContext): Plan {
  if (list(node.FunctionCall.ArgumentList?.Expressions).length > 0)
    throw unsupported(node, ctx, 'narrow with arguments');
  const schema = boundSchema(node);
  if (
    schema.length !== OUTPUT.length ||
    schema.some((c, i) => c.name !== OUTPUT[i]) ||
    schema[0].type !== 'long' ||
    schema[1].type !== 'string' ||
    schema[2].type !== 'string'
  )
    throw unsupported(node, ctx, 'narrow output columns');
  const other = input.schema.find((c) => !NARROW_TYPES.includes(c.type));
  if (other)
    throw unsupported(
      node,
      ctx,
      `evaluate narrow of a ${other.type} column`,
      `evaluate narrow of the ${other.type} column ${other.name} is not supported: its page shows no ${other.type} value as text`,
    );
  return { op: 'narrow', input, span: spanOf(node, ctx), schema };
}
