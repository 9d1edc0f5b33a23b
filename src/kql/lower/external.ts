import type { ExternalFormat, Plan } from '../plan/types.js';
import { boundSchema, kindName, type LowerContext, list, spanOf, unsupported } from './context.js';
import { lowerScalar } from './scalar.js';

const FORMATS = new Set<ExternalFormat>(['csv', 'tsv', 'psv', 'scsv', 'txt', 'raw', 'json', 'multijson']);

/**
 * `externaldata (schema) [urls] with (format=..., ignoreFirstRecord=...)`: the engine reads no remote
 * storage; the query options map each URL to local content, and an unmapped URL is refused when
 * the query runs.
 */
export function lowerExternalData(node: any, ctx: LowerContext): Plan {
  const urls = list(node.URIs).map((uri: any) => {
    const value = lowerScalar(uri, { schema: [] }, ctx);
    if (value.kind !== 'literal' || typeof value.value !== 'string')
      throw unsupported(uri, ctx, 'externaldata with a computed URL');
    return value.value;
  });
  let format: ExternalFormat = 'csv';
  let ignoreFirstRecord = false;
  for (const property of list(node.WithClause?.Properties)) {
    const name = String(property.Name.SimpleName).toLowerCase();
    const value = lowerScalar(property.Expression, { schema: [] }, ctx);
    if (value.kind !== 'literal') throw unsupported(property, ctx, `externaldata ${name}`);
    if (name === 'format') {
      const requested = String(value.value).toLowerCase() as ExternalFormat;
      if (!FORMATS.has(requested)) throw unsupported(property, ctx, `externaldata format=${requested}`);
      format = requested;
    } else if (name === 'ignorefirstrecord') {
      ignoreFirstRecord = value.value === true || String(value.value).toLowerCase() === 'true';
    } else {
      throw unsupported(property, ctx, `externaldata ${kindName(property)} '${name}'`);
    }
  }
  return {
    op: 'external',
    urls,
    format,
    ignoreFirstRecord,
    span: spanOf(node, ctx),
    schema: boundSchema(node),
  };
}
