// gzip_/zlib_decompress_from_base64_string of the matching compress call: answered without the
// compressed bytes, which depend on compressor settings the pages do not give (so a compress call
// on its own stays refused).
import type { ScalarExpr } from '../plan/types.js';
import { argumentNodes, calledName, kindName, type LowerContext } from './context.js';

const FORMAT_OF: Record<string, 'gzip' | 'zlib'> = {
  gzip_compress_to_base64_string: 'gzip',
  gzip_decompress_from_base64_string: 'gzip',
  zlib_compress_to_base64_string: 'zlib',
  zlib_decompress_from_base64_string: 'zlib',
};

/**
 * `gzip_decompress_from_base64_string(gzip_compress_to_base64_string(s))` is s: decompression
 * inverts compression, and s is a string, so it is valid UTF-8 (zlib alike). Across formats the
 * result is empty, which both decompress pages give for input they cannot decode: gzip checks ID1
 * (0x1f), which a zlib stream's first byte (0x78, the only window size its page supports) is not;
 * a gzip stream's first two bytes (0x1f 0x8b) are not a zlib header (method 15, failing the
 * header check). Undefined when `node` is not such a call.
 */
export function compressionRoundTrip(
  node: any,
  ctx: LowerContext,
  lower: (argument: any) => ScalarExpr,
): ScalarExpr | undefined {
  const name = calledName(node);
  if (!name.endsWith('_decompress_from_base64_string') || !Object.hasOwn(FORMAT_OF, name)) return undefined;
  const [argument] = argumentNodes(node, ctx);
  if (kindName(argument) !== 'FunctionCallExpression') return undefined;
  const inner = calledName(argument);
  if (!inner.endsWith('_compress_to_base64_string') || !Object.hasOwn(FORMAT_OF, inner)) return undefined;
  const [original] = argumentNodes(argument, ctx);
  const text = lower(original);
  if (text.type !== 'string') return undefined;
  return FORMAT_OF[inner] === FORMAT_OF[name] ? text : { kind: 'literal', value: '', type: 'string' };
}
