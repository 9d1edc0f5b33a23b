/**
 * Geospatial functions whose sphere maths the docs pin down. Kusto measures on a sphere by default
 * (https://learn.microsoft.com/kusto/query/geo-distance-2points-function: "If false will use a
 * sphere"); the page's Seattle–Los Angeles distance, 1546754.35197381 m, is the haversine distance
 * on a sphere of radius 6,371,010 m (S2's mean Earth radius), which is what this computes.
 * The spheroid option, cells (S2, H3, geohash) and shapes are refused.
 */
import { UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const EARTH_RADIUS_M = 6_371_010;
const RADIANS = Math.PI / 180;

/** A valid WGS-84 coordinate (longitude in [-180, 180], latitude in [-90, 90]) or null. */
function coordinate(longitude: Value, latitude: Value): [number, number] | null {
  const lon = num(longitude);
  const lat = num(latitude);
  if (lon === null || lat === null || !(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) return null;
  return [lon * RADIANS, lat * RADIANS];
}

/** Great-circle distance in metres between two valid coordinates (radians). */
function sphereDistance([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const dLat = Math.sin(0.5 * (lat2 - lat1));
  const dLon = Math.sin(0.5 * (lon2 - lon1));
  const x = dLat * dLat + dLon * dLon * Math.cos(lat1) * Math.cos(lat2);
  return 2 * Math.asin(Math.sqrt(Math.min(1, x))) * EARTH_RADIUS_M;
}

const distance2Points: ScalarImpl = ([lon1, lat1, lon2, lat2, spheroid]) => {
  if (spheroid === true)
    throw new UnsupportedError(
      'geo_distance_2points(..., use_spheroid=true)',
      'geo_distance_2points with use_spheroid=true is not supported: the docs do not give the spheroid algorithm',
    );
  const p1 = coordinate(lon1, lat1);
  const p2 = coordinate(lon2, lat2);
  return p1 && p2 ? sphereDistance(p1, p2) : null;
};

/**
 * geo_point_in_circle: the circle is a spherical cap whose radius is measured along the sphere
 * (https://learn.microsoft.com/kusto/query/geo-point-in-circle-function); a non-positive radius
 * or an invalid coordinate gives null.
 */
const pointInCircle: ScalarImpl = ([lon, lat, centerLon, centerLat, radius]) => {
  const p = coordinate(lon, lat);
  const center = coordinate(centerLon, centerLat);
  const r = num(radius);
  if (!p || !center || r === null || !(r > 0)) return null;
  return sphereDistance(p, center) <= r;
};

const GEOHASH_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * geo_point_to_geohash(lon, lat [, accuracy = 5]): the standard geohash (bits alternate longitude
 * then latitude, five per base-32 character); an invalid coordinate or an accuracy outside
 * [1, 18] gives '' (https://learn.microsoft.com/kusto/query/geo-point-to-geohash-function).
 */
const pointToGeohash: ScalarImpl = ([lon, lat, accuracy]) => {
  const x = num(lon);
  const y = num(lat);
  const length = accuracy === undefined ? 5 : num(accuracy);
  if (x === null || y === null || !(Math.abs(x) <= 180) || !(Math.abs(y) <= 90)) return '';
  if (length === null || !Number.isInteger(length) || length < 1 || length > 18) return '';
  const ranges = [
    [-180, 180],
    [-90, 90],
  ];
  const values = [x, y];
  let hash = '';
  let bit = 0;
  for (let c = 0; c < length; c++) {
    let index = 0;
    for (let b = 0; b < 5; b++, bit++) {
      const axis = bit % 2;
      const range = ranges[axis];
      const mid = (range[0] + range[1]) / 2;
      index <<= 1;
      if (values[axis] >= mid) {
        index |= 1;
        range[0] = mid;
      } else {
        range[1] = mid;
      }
    }
    hash += GEOHASH_ALPHABET[index];
  }
  return hash;
};

/**
 * The rectangle a geohash names, as [[west, east], [south, north]]; null for an invalid geohash
 * (empty, longer than 18, or outside the alphabet), which the geohash pages answer with null.
 */
function geohashBounds(v: unknown): number[][] | null {
  if (typeof v !== 'string' || v.length < 1 || v.length > 18) return null;
  const ranges = [
    [-180, 180],
    [-90, 90],
  ];
  let bit = 0;
  for (const c of v.toLowerCase()) {
    const index = GEOHASH_ALPHABET.indexOf(c);
    if (index < 0) return null;
    for (let b = 4; b >= 0; b--, bit++) {
      const range = ranges[bit % 2];
      const mid = (range[0] + range[1]) / 2;
      if ((index >> b) & 1) range[0] = mid;
      else range[1] = mid;
    }
  }
  return ranges;
}

/**
 * geo_geohash_to_central_point(geohash): the centre of the geohash's rectangle as a GeoJSON point
 * (https://learn.microsoft.com/kusto/query/geo-geohash-to-central-point-function).
 */
const geohashToCentralPoint: ScalarImpl = ([v]) => {
  const bounds = geohashBounds(v);
  if (!bounds) return null;
  const [[x0, x1], [y0, y1]] = bounds;
  return { type: 'Point', coordinates: [(x0 + x1) / 2, (y0 + y1) / 2] };
};

/**
 * geo_geohash_to_polygon(geohash): the rectangle as a GeoJSON polygon, corners counterclockwise
 * from the south-west one and closed, as the page prints "dr5ru"
 * (https://learn.microsoft.com/kusto/query/geo-geohash-to-polygon-function).
 */
const geohashToPolygon: ScalarImpl = ([v]) => {
  const bounds = geohashBounds(v);
  if (!bounds) return null;
  const [[west, east], [south, north]] = bounds;
  const ring = [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
  return { type: 'Polygon', coordinates: [ring] };
};

/**
 * geo_geohash_neighbors(geohash): null for an invalid geohash (the page's example); a valid one is
 * refused: the page lists the eight neighbours of 'sunny' in an order (SW, NW, SE, N, W, NE, E, S)
 * that no stated rule produces.
 */
const geohashNeighbors: ScalarImpl = ([v]) => {
  if (!geohashBounds(v)) return null;
  throw new UnsupportedError(
    'geo_geohash_neighbors() of a valid geohash',
    'geo_geohash_neighbors() of a valid geohash is not supported: the order of the neighbours is not documented',
  );
};

export const geoFunctions: FunctionTable = {
  geo_geohash_neighbors: geohashNeighbors,
  geo_point_to_geohash: pointToGeohash,
  geo_geohash_to_central_point: geohashToCentralPoint,
  geo_geohash_to_polygon: geohashToPolygon,
  geo_distance_2points: distance2Points,
  geo_point_in_circle: pointInCircle,
};
