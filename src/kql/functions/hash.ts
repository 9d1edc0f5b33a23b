/**
 * hash() and hash_xxhash64(): xxhash64 with seed 0 (https://learn.microsoft.com/kusto/query/hash-function,
 * .../hash-xxhash64-function). The pages print the hash of a string (its UTF-8 bytes) and of a
 * datetime (its ticks as 8 little-endian bytes); both reproduce here. How other types are fed to
 * the hash is not documented, so they are refused.
 */
import { UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const MASK = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const mul = (a: bigint, b: bigint) => (a * b) & MASK;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK;
const round = (acc: bigint, lane: bigint) => mul(rotl((acc + mul(lane, P2)) & MASK, 31n), P1);
const mergeRound = (acc: bigint, lane: bigint) => (mul(acc ^ round(0n, lane), P1) + P4) & MASK;

/** The xxHash64 specification (github.com/Cyan4973/xxHash, doc/xxhash_spec.md), seed 0. */
export function xxhash64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    const lanes = [(P1 + P2) & MASK, P2, 0n, (MASK + 1n - P1) & MASK];
    while (i + 32 <= n) {
      for (let k = 0; k < 4; k++) lanes[k] = round(lanes[k], view.getBigUint64(i + 8 * k, true));
      i += 32;
    }
    h = (rotl(lanes[0], 1n) + rotl(lanes[1], 7n) + rotl(lanes[2], 12n) + rotl(lanes[3], 18n)) & MASK;
    for (const lane of lanes) h = mergeRound(h, lane);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) h = (mul(rotl(h ^ round(0n, view.getBigUint64(i, true)), 27n), P1) + P4) & MASK;
  if (i + 4 <= n) {
    h = (mul(rotl(h ^ mul(BigInt(view.getUint32(i, true)), P1), 23n), P2) + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) h = mul(rotl(h ^ mul(BigInt(bytes[i]), P5), 11n), P1);
  h = mul(h ^ (h >> 33n), P2);
  h = mul(h ^ (h >> 29n), P3);
  return h ^ (h >> 32n);
}

function bytesOf(v: Value, type: string): Uint8Array {
  if (type === 'string' && typeof v === 'string') return Buffer.from(v, 'utf8');
  if (type === 'datetime' && typeof v === 'bigint') {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(v);
    return bytes;
  }
  throw new UnsupportedError(
    'hash()',
    `hash() of a ${v === null ? 'null' : type} value is not supported: the docs show how strings and datetimes are hashed only`,
  );
}

/** hash(v): xxhash64 of the value's bytes as Kusto's signed 64-bit long. */
export const hashSigned = (v: Value, type: string): bigint => BigInt.asIntN(64, xxhash64(bytesOf(v, type)));

const hash: ScalarImpl = ([v, mod], [type]) => {
  const signed = hashSigned(v, type);
  if (mod === undefined) {
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER))
      throw new UnsupportedError(
        'hash()',
        'hash() without a modulo exceeds the 2^53 range the engine holds exactly; ' +
          'its exact value is kept only where tostring(), strcat(), % or a comparison takes it directly',
      );
    return Number(signed);
  }
  const m = num(mod);
  if (m === null || m <= 0) return null;
  // The page promises a result in [0, mod - 1] but shows only non-negative hashes; whether a
  // negative one is reduced as unsigned or by absolute value is not documented.
  if (signed < 0n)
    throw new UnsupportedError(
      'hash()',
      'hash() with a modulo of a value whose hash is negative is not documented',
    );
  return Number(signed % BigInt(Math.trunc(m)));
};

export const hashFunctions: FunctionTable = { hash, hash_xxhash64: hash };
