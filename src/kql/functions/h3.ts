/**
 * H3 cell hierarchy (https://learn.microsoft.com/kusto/query/geo-h3cell-level-function,
 * geo-h3cell-parent-function, geo-h3cell-children-function; the index layout is H3's public
 * specification, https://h3geo.org/docs/library/index/cell/): a cell token is the 64-bit index in hex,
 * with mode 1 in bits 59–62, the resolution in bits 52–55, the base cell in bits 45–51 and one 3-bit
 * digit per resolution from bit 42 down, unused digits 7. Only the hierarchy is computed here; points,
 * centres, polygons and rings need H3's icosahedron projection and are not offered.
 */
import { UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const MAX_RESOLUTION = 15;
const BASE_CELLS = 122;
// H3's twelve pentagon base cells: their cells never take digit 1 as the first non-zero digit.
const PENTAGONS = new Set([4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117]);
/** The most levels geo_h3cell_children goes down (its page: "can't be more than 5"). */
const MAX_CHILD_LEVELS = 5;

interface Cell {
  resolution: number;
  baseCell: number;
  digits: number[];
}

const digitShift = (r: number): bigint => BigInt(3 * (MAX_RESOLUTION - r));

/** A valid H3 cell from its token (H3's isValidCell), else null. */
function parseCell(token: Value): Cell | null {
  if (typeof token !== 'string' || token.length < 1 || token.length > 16 || !/^[0-9a-fA-F]+$/.test(token))
    return null;
  const index = BigInt(`0x${token}`);
  if (index >> 63n !== 0n || ((index >> 59n) & 15n) !== 1n || ((index >> 56n) & 7n) !== 0n) return null;
  const resolution = Number((index >> 52n) & 15n);
  const baseCell = Number((index >> 45n) & 127n);
  if (baseCell >= BASE_CELLS) return null;
  const digits: number[] = [];
  for (let r = 1; r <= MAX_RESOLUTION; r++) {
    const digit = Number((index >> digitShift(r)) & 7n);
    if (r <= resolution ? digit === 7 : digit !== 7) return null;
    if (r <= resolution) digits.push(digit);
  }
  if (PENTAGONS.has(baseCell) && digits.find((d) => d !== 0) === 1) return null;
  return { resolution, baseCell, digits };
}

function format({ resolution, baseCell, digits }: Cell): string {
  let index = (1n << 59n) | (BigInt(resolution) << 52n) | (BigInt(baseCell) << 45n);
  for (let r = 1; r <= MAX_RESOLUTION; r++)
    index |= BigInt(r <= resolution ? digits[r - 1] : 7) << digitShift(r);
  return index.toString(16);
}

/** geo_h3cell_level(token): the cell's resolution; null for an invalid token. */
const h3CellLevel: ScalarImpl = ([token]) => parseCell(token)?.resolution ?? null;

/**
 * A whole-number resolution argument, the default when absent. A null one is refused: the pages say
 * what an unspecified resolution means, not whether a null one counts as unspecified.
 */
function resolutionArg(v: Value | undefined, fallback: number, name: string): number | null {
  if (v === undefined) return fallback;
  if (v === null) throw new UnsupportedError(`${name}() with a null resolution`);
  const r = num(v);
  return r === null || !Number.isInteger(r) ? null : r;
}

/**
 * geo_h3cell_parent(token [, resolution]): the ancestor at `resolution` (default: one level up);
 * '' for an invalid token, a resolution outside [0, 14] or one finer than the cell's.
 */
const h3CellParent: ScalarImpl = ([token, resolutionValue]) => {
  const cell = parseCell(token);
  if (!cell) return '';
  const resolution = resolutionArg(resolutionValue, cell.resolution - 1, 'geo_h3cell_parent');
  if (
    resolution === null ||
    resolution < 0 ||
    resolution > MAX_RESOLUTION - 1 ||
    resolution > cell.resolution
  )
    return '';
  if (resolution === cell.resolution)
    throw new UnsupportedError(
      "geo_h3cell_parent() at the cell's own resolution",
      "geo_h3cell_parent() at the cell's own resolution is not described by its page",
    );
  return format({ ...cell, resolution, digits: cell.digits.slice(0, resolution) });
};

/**
 * geo_h3cell_children(token [, resolution]): the descendants at `resolution` (default: one level
 * down) in index order, skipping a pentagon's deleted digit-1 branch; null for an invalid token, a
 * resolution outside [1, 15], coarser than the cell's, or more than five levels down.
 */
const h3CellChildren: ScalarImpl = ([token, resolutionValue]) => {
  const cell = parseCell(token);
  if (!cell) return null;
  const resolution = resolutionArg(resolutionValue, cell.resolution + 1, 'geo_h3cell_children');
  if (resolution === null || resolution < 1 || resolution > MAX_RESOLUTION || resolution < cell.resolution)
    return null;
  if (resolution - cell.resolution > MAX_CHILD_LEVELS) return null;
  if (resolution === cell.resolution)
    throw new UnsupportedError(
      "geo_h3cell_children() at the cell's own resolution",
      "geo_h3cell_children() at the cell's own resolution is not described by its page",
    );
  const pentagon = PENTAGONS.has(cell.baseCell) && cell.digits.every((d) => d === 0);
  let prefixes: number[][] = [cell.digits];
  for (let r = cell.resolution + 1; r <= resolution; r++) {
    const next: number[][] = [];
    for (const prefix of prefixes)
      for (let digit = 0; digit <= 6; digit++) {
        // Below a pentagon the first non-zero digit is never 1 (H3's deleted K-axis subsequence).
        if (pentagon && digit === 1 && prefix.slice(cell.resolution).every((d) => d === 0)) continue;
        next.push([...prefix, digit]);
      }
    prefixes = next;
  }
  return prefixes.map((digits) => format({ ...cell, resolution, digits }));
};

export const h3Functions: FunctionTable = {
  geo_h3cell_level: h3CellLevel,
  geo_h3cell_parent: h3CellParent,
  geo_h3cell_children: h3CellChildren,
};
