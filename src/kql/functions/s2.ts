/**
 * S2 cells (https://learn.microsoft.com/kusto/query/geo-point-to-s2cell-function and the
 * geo_s2cell_* pages, which point to https://s2geometry.io/devguide/s2cell_hierarchy). A cell id is
 * the S2 library's 64-bit id: 3 face bits, two Hilbert-curve bits per level, then a marker bit; its
 * token is the id in hex without trailing zeros. Points map to faces through S2's quadratic
 * projection, and cell corners and centres come back through its inverse, as S2 computes them
 * (S2CellId::FromPoint, ToPoint, S2Cell::GetVertex). The pages' printed tokens, centre and polygons
 * are reproduced by these steps.
 */
import { type Json, UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import { normalize, type Point, toLngLat, toPoint } from './sphere.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const MAX_LEVEL = 30;
const MAX_SIZE = 1 << MAX_LEVEL;
const SWAP = 1;
const INVERT = 2;
// Hilbert curve: (i, j) quadrant bits per position and orientation, and its inverse.
const POS_TO_IJ = [
  [0, 1, 3, 2],
  [0, 2, 3, 1],
  [3, 2, 0, 1],
  [3, 1, 0, 2],
];
const IJ_TO_POS = [
  [0, 1, 3, 2],
  [0, 3, 1, 2],
  [2, 3, 1, 0],
  [2, 1, 3, 0],
];
const POS_TO_ORIENTATION = [SWAP, 0, 0, INVERT | SWAP];

function faceUvToXyz(face: number, u: number, v: number): Point {
  switch (face) {
    case 0:
      return [1, u, v];
    case 1:
      return [-u, 1, v];
    case 2:
      return [-u, -v, 1];
    case 3:
      return [-1, -v, -u];
    case 4:
      return [v, -1, -u];
    default:
      return [v, u, -1];
  }
}

function faceOf([x, y, z]: Point): number {
  const [ax, ay, az] = [Math.abs(x), Math.abs(y), Math.abs(z)];
  const axis = ax > ay ? (ax > az ? 0 : 2) : ay > az ? 1 : 2;
  return [x, y, z][axis] < 0 ? axis + 3 : axis;
}

function xyzToUv(face: number, [x, y, z]: Point): [number, number] {
  switch (face) {
    case 0:
      return [y / x, z / x];
    case 1:
      return [-x / y, z / y];
    case 2:
      return [-x / z, -y / z];
    case 3:
      return [z / x, y / x];
    case 4:
      return [z / y, -x / y];
    default:
      return [-y / z, -x / z];
  }
}

const uvToSt = (u: number): number => (u >= 0 ? 0.5 * Math.sqrt(1 + 3 * u) : 1 - 0.5 * Math.sqrt(1 - 3 * u));
const stToUv = (s: number): number =>
  s >= 0.5 ? (1 / 3) * (4 * s * s - 1) : (1 / 3) * (1 - 4 * (1 - s) * (1 - s));
const stToIj = (s: number): number => Math.max(0, Math.min(MAX_SIZE - 1, Math.round(MAX_SIZE * s - 0.5)));

/** The leaf cell id of face and leaf coordinates (S2CellId::FromFaceIJ). */
function fromFaceIj(face: number, i: number, j: number): bigint {
  let id = BigInt(face);
  let orientation = face & SWAP;
  for (let k = MAX_LEVEL - 1; k >= 0; k--) {
    const ij = (((i >> k) & 1) << 1) | ((j >> k) & 1);
    const pos = IJ_TO_POS[orientation][ij];
    id = (id << 2n) | BigInt(pos);
    orientation ^= POS_TO_ORIENTATION[pos];
  }
  return (id << 1n) | 1n;
}

/** Face and leaf coordinates the id's Hilbert path leads to (S2CellId::ToFaceIJOrientation). */
function toFaceIj(id: bigint): [number, number, number] {
  const face = Number(id >> 61n);
  let orientation = face & SWAP;
  let i = 0;
  let j = 0;
  for (let k = 0; k < MAX_LEVEL; k++) {
    const pos = Number((id >> BigInt(59 - 2 * k)) & 3n);
    const ij = POS_TO_IJ[orientation][pos];
    i = (i << 1) | (ij >> 1);
    j = (j << 1) | (ij & 1);
    orientation ^= POS_TO_ORIENTATION[pos];
  }
  return [face, i, j];
}

const lsbForLevel = (level: number): bigint => 1n << BigInt(2 * (MAX_LEVEL - level));

function parent(id: bigint, level: number): bigint {
  const lsb = lsbForLevel(level);
  return (id & -lsb) | lsb;
}

function levelOf(id: bigint): number {
  let level = MAX_LEVEL;
  for (let bits = id; (bits & 1n) === 0n; bits >>= 2n) level--;
  return level;
}

function toToken(id: bigint): string {
  return id.toString(16).padStart(16, '0').replace(/0+$/, '') || 'X';
}

/** A valid cell id from a token of 1–16 hex digits (S2CellId::FromToken + is_valid), else null. */
function fromToken(token: Value): bigint | null {
  if (typeof token !== 'string' || token.length < 1 || token.length > 16 || !/^[0-9a-fA-F]+$/.test(token))
    return null;
  const id = BigInt(`0x${token.padEnd(16, '0')}`);
  if (id >> 61n > 5n) return null;
  const lsb = id & -id;
  return (lsb & 0x1555555555555555n) !== 0n ? id : null;
}

/**
 * geo_point_to_s2cell(longitude, latitude [, level = 11]): the token of the level-`level` cell
 * holding the point; '' for a coordinate outside [-180, 180] x [-90, 90] or a level outside [0, 30]
 * (the page's "empty result").
 */
const pointToS2Cell: ScalarImpl = ([longitude, latitude, levelArg]) => {
  const lng = num(longitude);
  const lat = num(latitude);
  const level = levelArg === undefined ? 11 : num(levelArg);
  if (lng === null || lat === null || !(Math.abs(lng) <= 180) || !(Math.abs(lat) <= 90)) return '';
  if (level === null || !Number.isInteger(level) || level < 0 || level > MAX_LEVEL) return '';
  const p = toPoint(lng, lat);
  const face = faceOf(p);
  const [u, v] = xyzToUv(face, p);
  return toToken(parent(fromFaceIj(face, stToIj(uvToSt(u)), stToIj(uvToSt(v))), level));
};

/** geo_s2cell_to_central_point(token): the cell's centre as a GeoJSON point; null for an invalid token. */
const s2CellToCentralPoint: ScalarImpl = ([token]) => {
  const id = fromToken(token);
  if (id === null) return null;
  const [face, i, j] = toFaceIj(id);
  // S2CellId::GetCenterSiTi: the centre in units of half a leaf cell.
  const delta = levelOf(id) === MAX_LEVEL ? 1 : (i ^ Number((id >> 2n) & 1n)) & 1 ? 2 : 0;
  const s = (2 * i + delta) / 2 ** 31;
  const t = (2 * j + delta) / 2 ** 31;
  const coordinates = toLngLat(normalize(faceUvToXyz(face, stToUv(s), stToUv(t))));
  return { type: 'Point', coordinates };
};

/** The cell's u and v bounds (S2CellId::IJLevelToBoundUV). */
function boundUv(id: bigint): { face: number; u: [number, number]; v: [number, number] } {
  const [face, i, j] = toFaceIj(id);
  const size = 1 << (MAX_LEVEL - levelOf(id));
  const bound = (ij: number): [number, number] => {
    const lo = ij & -size;
    return [stToUv(lo / MAX_SIZE), stToUv((lo + size) / MAX_SIZE)];
  };
  return { face, u: bound(i), v: bound(j) };
}

/**
 * geo_s2cell_to_polygon(token): the cell's four corners counterclockwise from S2's vertex 0 (low
 * u, low v), closed, as a GeoJSON polygon; null for an invalid token.
 */
const s2CellToPolygon: ScalarImpl = ([token]) => {
  const id = fromToken(token);
  if (id === null) return null;
  const { face, u, v } = boundUv(id);
  const corner = (k: number): Json =>
    toLngLat(normalize(faceUvToXyz(face, u[(k >> 1) ^ (k & 1)], v[k >> 1])));
  const ring = [corner(0), corner(1), corner(2), corner(3), corner(0)];
  return { type: 'Polygon', coordinates: [ring] };
};

/**
 * geo_s2cell_neighbors(token): null for an invalid token (page example). For a valid one the page
 * prints the eight neighbours of '89c259' in an order that neither S2's AppendAllNeighbors nor its
 * edge- or vertex-neighbour walks produce, and states no rule, so a valid token is refused rather
 * than answered in a guessed order.
 */
const s2CellNeighbors: ScalarImpl = ([token]) => {
  if (fromToken(token) === null) return null;
  throw new UnsupportedError(
    'geo_s2cell_neighbors()',
    'geo_s2cell_neighbors() of a valid cell is not supported: the order of the neighbours is not documented',
  );
};

export const s2Functions: FunctionTable = {
  geo_point_to_s2cell: pointToS2Cell,
  geo_s2cell_to_central_point: s2CellToCentralPoint,
  geo_s2cell_to_polygon: s2CellToPolygon,
  geo_s2cell_neighbors: s2CellNeighbors,
};
