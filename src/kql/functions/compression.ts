/**
 * gzip_decompress_from_base64_string() and zlib_decompress_from_base64_string(). Decompression is
 * deterministic, so the result is Kusto's; the compress functions are not offered because their
 * output bytes depend on the compressor (the gzip page's example is a stored, uncompressed block),
 * except inside the matching decompress call (lower/compression.ts), where the bytes do not matter.
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import { UnsupportedError } from '../values/index.js';
import { text } from './text.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Bytes(s: string): Buffer | null {
  return BASE64.test(s) && s.length % 4 !== 1 ? Buffer.from(s, 'base64') : null;
}

function utf8(bytes: Buffer, fn: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UnsupportedError(`${fn}()`, `${fn}() of data that is not UTF-8 text is not documented`);
  }
}

/**
 * gzip: the ID1, ID2 and CM header fields must be 0x1f 0x8b 8 and FLG zero (no optional header
 * fields), else the result is empty; so is any decoding or decompression failure
 * (https://learn.microsoft.com/kusto/query/gzip-base64-decompress).
 */
const gzipDecompress: ScalarImpl = ([v], [t]) => {
  const fn = 'gzip_decompress_from_base64_string';
  const bytes = base64Bytes(text(v, t));
  if (
    !bytes ||
    bytes.length < 10 ||
    bytes[0] !== 0x1f ||
    bytes[1] !== 0x8b ||
    bytes[2] !== 8 ||
    bytes[3] !== 0
  )
    return '';
  let out: Buffer;
  try {
    out = gunzipSync(bytes);
  } catch {
    return '';
  }
  return utf8(out, fn);
};

/**
 * zlib: window size 15 only (CINFO 7); invalid input gives an empty result
 * (https://learn.microsoft.com/kusto/query/zlib-base64-decompress-function). What another window
 * size gives is not said, so it is refused.
 */
const zlibDecompress: ScalarImpl = ([v], [t]) => {
  const fn = 'zlib_decompress_from_base64_string';
  const bytes = base64Bytes(text(v, t));
  if (!bytes || bytes.length < 2 || (bytes[0] & 0x0f) !== 8 || ((bytes[0] << 8) | bytes[1]) % 31 !== 0)
    return '';
  if (bytes[0] >> 4 !== 7) throw new UnsupportedError(`${fn}() with a window size other than 15`);
  let out: Buffer;
  try {
    out = inflateSync(bytes);
  } catch {
    return '';
  }
  return utf8(out, fn);
};

export const compressionFunctions: FunctionTable = {
  gzip_decompress_from_base64_string: gzipDecompress,
  zlib_decompress_from_base64_string: zlibDecompress,
};
