/**
 * H3 cells (https://learn.microsoft.com/kusto/query/geo-h3cell-level-function,
 * geo-h3cell-parent-function, geo-h3cell-children-function; the index layout is H3's public
 * specification, https://h3geo.org/docs/library/index/cell/): a cell token is the 64-bit index in hex,
 * with mode 1 in bits 59–62, the resolution in bits 52–55, the base cell in bits 45–51 and one 3-bit
 * digit per resolution from bit 42 down, unused digits 7. The hierarchy is computed here from that
 * layout; points, centres, polygons, neighbours and rings go through H3's icosahedron projection,
 * which h3-js (Uber's C library compiled to JavaScript) carries (geo-point-to-h3cell-function,
 * geo-h3cell-to-central-point-function, geo-h3cell-to-polygon-function, geo-h3cell-neighbors-function,
 * geo-h3cell-rings-function).
 */
import { createRequire } from 'node:module';
import { type Json, UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// h3-js takes a few hundred milliseconds to load (an Emscripten build of H3's C library), so it is
// loaded on the first call that needs it rather than with the engine.
const require = createRequire(import.meta.url);
let h3Library: typeof import('h3-js') | undefined;
const h3 = (): typeof import('h3-js') => {
  h3Library ??= require('h3-js') as typeof import('h3-js');
  return h3Library;
};

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

/**
 * geo_point_to_h3cell(longitude, latitude [, resolution = 6]): the token of the cell holding the
 * point; '' for a coordinate outside [-180, 180] x [-90, 90] or a resolution outside [0, 15], null
 * included (the page's "empty result" examples: longitude 300, resolution 16, int(null)).
 */
const pointToH3Cell: ScalarImpl = ([longitude, latitude, resolutionValue]) => {
  const lng = num(longitude);
  const lat = num(latitude);
  const resolution = resolutionValue === undefined ? 6 : num(resolutionValue);
  if (lng === null || lat === null || !(Math.abs(lng) <= 180) || !(Math.abs(lat) <= 90)) return '';
  if (resolution === null || !Number.isInteger(resolution) || resolution < 0 || resolution > MAX_RESOLUTION)
    return '';
  return h3().latLngToCell(lat, lng, resolution);
};

/**
 * The canonical token of a valid cell (H3 prints lower-case hex without leading zeros), else null.
 * Validity is the hierarchy functions' parseCell, so every geo_h3cell_* agrees on what is invalid.
 */
function validCell(token: Value): string | null {
  const cell = parseCell(token);
  return cell ? format(cell) : null;
}

/**
 * geo_h3cell_to_central_point(token): the cell's centre as a GeoJSON point [longitude, latitude];
 * null for an invalid token. H3's spherical trigonometry here and in the service's native build can
 * differ in the last bit or two of a coordinate: the page's centre of 862a1072fffffff is
 * [-74.016008479792447, 40.7041679083504], this one [-74.01600847979245, 40.70416790835039].
 */
const h3CellToCentralPoint: ScalarImpl = ([token]) => {
  const cell = validCell(token);
  if (cell === null) return null;
  const [lat, lng] = h3().cellToLatLng(cell);
  return { type: 'Point', coordinates: [lng, lat] };
};

/**
 * geo_h3cell_to_polygon(token): the cell's boundary as a closed GeoJSON polygon, counterclockwise
 * from H3's first vertex (the page's order); null for an invalid token. A cell whose boundary crosses
 * the antimeridian is refused: H3 gives longitudes on both sides of it and the page does not say how
 * the service writes such a ring.
 */
const h3CellToPolygon: ScalarImpl = ([token]) => {
  const cell = validCell(token);
  if (cell === null) return null;
  const ring = h3().cellToBoundary(cell, true);
  for (let i = 1; i < ring.length; i++)
    if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180)
      throw new UnsupportedError(
        'geo_h3cell_to_polygon() of a cell across the antimeridian',
        'geo_h3cell_to_polygon() of a cell whose boundary crosses the antimeridian is not described by its page',
      );
  return { type: 'Polygon', coordinates: [ring] };
};

/**
 * Refuses a disk that meets a pentagon: H3 then walks it breadth-first and lists cells in hash-table
 * order (and may leave some out, as the rings page notes), an order its pages do not show. Without a
 * pentagon the rings come out in H3's spiral order, which the pages print.
 */
function refusePentagonDistortion(cell: string, distance: number, name: string): void {
  let distorted = h3().isPentagon(cell);
  for (let k = 1; k <= distance && !distorted; k++) {
    try {
      h3().gridRingUnsafe(cell, k);
    } catch {
      distorted = true;
    }
  }
  if (distorted)
    throw new UnsupportedError(
      `${name}() near an H3 pentagon`,
      `${name}() of a cell within reach of an H3 pentagon is not supported: the order (and completeness) of the cells H3 then lists is not documented`,
    );
}

/** geo_h3cell_neighbors(token): the six cells around it, in H3's order; null for an invalid token. */
const h3CellNeighbors: ScalarImpl = ([token]) => {
  const cell = validCell(token);
  if (cell === null) return null;
  refusePentagonDistortion(cell, 1, 'geo_h3cell_neighbors');
  return h3().gridDisk(cell, 1).slice(1);
};

/** The largest ring distance geo_h3cell_rings takes (its page: "Valid distance is in range [0, 142]"). */
const MAX_RING_DISTANCE = 142;

/**
 * geo_h3cell_rings(token, distance): ring k (0..distance) lists the cells k steps away, ring 0 the
 * cell itself; null for an invalid token or a distance outside [0, 142]. A null distance is refused
 * (the page does not say whether it counts as invalid).
 */
const h3CellRings: ScalarImpl = ([token, distanceValue]) => {
  const cell = validCell(token);
  if (cell === null) return null;
  if (distanceValue === null) throw new UnsupportedError('geo_h3cell_rings() with a null distance');
  const distance = num(distanceValue);
  if (distance === null || !Number.isInteger(distance) || distance < 0 || distance > MAX_RING_DISTANCE)
    return null;
  refusePentagonDistortion(cell, distance, 'geo_h3cell_rings');
  return h3().gridDiskDistances(cell, distance);
};

/** A GeoJSON position: two finite numbers, longitude in [-180, 180] and latitude in [-90, 90]. */
function isPosition(v: Json): boolean {
  if (!Array.isArray(v) || v.length !== 2) return false;
  const [lng, lat] = v.map((x) => num(x as Value));
  return lng !== null && lat !== null && Math.abs(lng) <= 180 && Math.abs(lat) <= 90;
}

/** A closed ring of at least four positions, as GeoJSON requires of every polygon ring. */
function isClosedRing(v: Json): boolean {
  if (!Array.isArray(v) || v.length < 4 || !v.every(isPosition)) return false;
  const [first, last] = [v[0] as Json[], v[v.length - 1] as Json[]];
  return num(first[0] as Value) === num(last[0] as Value) && num(first[1] as Value) === num(last[1] as Value);
}

/** Whether v has a Polygon's or MultiPolygon's shape: rings of closed positions (no edge tests). */
function hasPolygonShape(v: Value): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const { type, coordinates } = v as Record<string, Json>;
  const polygons = type === 'Polygon' ? [coordinates] : type === 'MultiPolygon' ? coordinates : null;
  return (
    Array.isArray(polygons) &&
    polygons.length > 0 &&
    polygons.every((rings) => Array.isArray(rings) && rings.length > 0 && rings.every(isClosedRing))
  );
}

/**
 * geo_polygon_to_h3cells(polygon [, resolution [, radius]]): null for an input that is not a
 * polygon (its page's example: a two-point ring) or a resolution outside [0, 15]. Otherwise refused:
 * the page's 13 cells for its polygon are the cells whose centres lie inside (H3's polygonToCells
 * gives the same set), but listed in an order neither H3's fill nor a sorted list produces, and the
 * page gives no rule for the order.
 */
const polygonToH3Cells: ScalarImpl = ([polygon, resolutionValue]) => {
  if (!hasPolygonShape(polygon)) return null;
  const resolution = resolutionValue === undefined ? 6 : num(resolutionValue);
  if (resolution === null || !Number.isInteger(resolution) || resolution < 0 || resolution > MAX_RESOLUTION)
    return null;
  throw new UnsupportedError(
    'geo_polygon_to_h3cells() of a polygon',
    'geo_polygon_to_h3cells() of a polygon is not supported: its page lists the cells whose centres lie in the polygon in an order it gives no rule for',
  );
};

export const h3Functions: FunctionTable = {
  geo_h3cell_level: h3CellLevel,
  geo_h3cell_parent: h3CellParent,
  geo_h3cell_children: h3CellChildren,
  geo_point_to_h3cell: pointToH3Cell,
  geo_h3cell_to_central_point: h3CellToCentralPoint,
  geo_h3cell_to_polygon: h3CellToPolygon,
  geo_h3cell_neighbors: h3CellNeighbors,
  geo_h3cell_rings: h3CellRings,
  geo_polygon_to_h3cells: polygonToH3Cells,
};
