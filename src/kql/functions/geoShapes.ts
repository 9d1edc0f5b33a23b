/**
 * Lines, polygons and angles on the sphere (https://learn.microsoft.com/kusto/query/geo-line-length-function,
 * geo-polygon-area-function, geo-azimuth-function, geo-angle-function). The pages state the model: a
 * sphere (S2's Earth radius, 6,371,010 m, as geo_distance_2points uses), edges are geodesics, a polygon
 * is the smaller of the two regions its ring bounds. Lengths sum great-circle edge lengths; areas sum
 * the signed spherical triangles of a fan from the first vertex (S2's surface integral with
 * l'Huilier's formula), as S2Loop::GetArea does for rings under half the sphere.
 *
 * A union of several lines or polygons (MultiLineString lines that touch, MultiPolygon, holes) needs
 * S2's boolean operations and is refused, as is any input where a crossing test is too close to call
 * in double precision; answering those approximately could differ from the service.
 */
import { type Json, UnsupportedError, type Value } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const EARTH_RADIUS_M = 6_371_010;
const RADIANS = Math.PI / 180;

type Point = [number, number, number];

const cross = (a: Point, b: Point): Point => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: Point, b: Point): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const length = (a: Point): number => Math.sqrt(dot(a, a));
/** The angle between two unit vectors (S2Point::Angle). */
const angle = (a: Point, b: Point): number => Math.atan2(length(cross(a, b)), dot(a, b));

/** A [longitude, latitude] pair in degrees, valid per the pages, or null. */
function lngLat(v: Json): [number, number] | null {
  if (!Array.isArray(v) || v.length !== 2) return null;
  const [lng, lat] = v;
  if (typeof lng !== 'number' || typeof lat !== 'number' || !(Math.abs(lng) <= 180) || !(Math.abs(lat) <= 90))
    return null;
  return [lng, lat];
}

function toPoint([lng, lat]: [number, number]): Point {
  const phi = lat * RADIANS;
  const theta = lng * RADIANS;
  const c = Math.cos(phi);
  return [Math.cos(theta) * c, Math.sin(theta) * c, Math.sin(phi)];
}

/** Haversine edge length in radians, the formula geo_distance_2points matches its page with. */
function edgeAngle([lng1, lat1]: [number, number], [lng2, lat2]: [number, number]): number {
  const dLat = Math.sin(0.5 * (lat2 * RADIANS - lat1 * RADIANS));
  const dLon = Math.sin(0.5 * (lng2 * RADIANS - lng1 * RADIANS));
  const x = dLat * dLat + dLon * dLon * Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS);
  return 2 * Math.asin(Math.sqrt(Math.min(1, x)));
}

function tooClose(what: string): never {
  throw new UnsupportedError(
    what,
    `${what}: the input has edges that touch or nearly touch, which needs S2's exact predicates`,
  );
}

// Triple products this small cannot be signed reliably in double precision (S2 switches to exact
// arithmetic below a bound of this order).
const SIGN_EPSILON = 1e-14;

function orientation(a: Point, b: Point, c: Point, what: string): number {
  const det = dot(cross(a, b), c);
  if (Math.abs(det) < SIGN_EPSILON) tooClose(what);
  return Math.sign(det);
}

/** Whether geodesic edges ab and cd cross at an interior point (S2's CrossingSign > 0). */
function crosses(a: Point, b: Point, c: Point, d: Point, what: string): boolean {
  const acb = -orientation(a, b, c, what);
  const bda = orientation(a, b, d, what);
  if (acb !== bda) return false;
  const cbd = -orientation(c, d, b, what);
  if (cbd !== acb) return false;
  return orientation(c, d, a, what) === acb;
}

/** A line's vertices, or null when it is not a valid GeoJSON LineString coordinate list. */
function lineVertices(v: Json): [number, number][] | null {
  if (!Array.isArray(v) || v.length < 2) return null;
  const vertices: [number, number][] = [];
  for (const c of v) {
    const p = lngLat(c);
    if (!p) return null;
    vertices.push(p);
  }
  for (let i = 1; i < vertices.length; i++) {
    const [a, b] = [vertices[i - 1], vertices[i]];
    if (a[0] === b[0] && a[1] === b[1])
      throw new UnsupportedError(
        'geo_line_length() of a line with a repeated vertex',
        'a line with two equal consecutive vertices is not described by the pages',
      );
    // "Edge length must be less than 180 degrees".
    if (edgeAngle(a, b) >= Math.PI) return null;
  }
  return vertices;
}

function shape(v: Value): { type: string; coordinates: Json } | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const { type, coordinates } = v as Record<string, Json>;
  return typeof type === 'string' ? { type, coordinates } : null;
}

/**
 * geo_line_length(line): metres along a LineString, or the union of a MultiLineString's lines. Lines
 * that cross or touch would overlap in the union, so a MultiLineString is answered only when no two
 * edges of different lines meet.
 */
const lineLength: ScalarImpl = ([v]) => {
  const s = shape(v);
  if (!s) return null;
  let lines: [number, number][][];
  if (s.type === 'LineString') {
    const line = lineVertices(s.coordinates);
    if (!line) return null;
    lines = [line];
  } else if (s.type === 'MultiLineString') {
    if (!Array.isArray(s.coordinates) || s.coordinates.length === 0) return null;
    const parsed = s.coordinates.map(lineVertices);
    if (parsed.some((l) => l === null)) return null;
    lines = parsed as [number, number][][];
    const what = 'geo_line_length() of lines that meet';
    const edges = lines.map((l) => l.slice(1).map((b, i): [Point, Point] => [toPoint(l[i]), toPoint(b)]));
    for (let x = 0; x < edges.length; x++)
      for (let y = x + 1; y < edges.length; y++)
        for (const [a, b] of edges[x])
          for (const [c, d] of edges[y]) if (crosses(a, b, c, d, what)) tooClose(what);
  } else return null;
  let total = 0;
  for (const line of lines) for (let i = 1; i < line.length; i++) total += edgeAngle(line[i - 1], line[i]);
  return total * EARTH_RADIUS_M;
};

/** S2's l'Huilier area of the spherical triangle abc (S2::Area for triangles that are not skinny). */
function triangleArea(a: Point, b: Point, c: Point): number {
  const sa = angle(b, c);
  const sb = angle(c, a);
  const sc = angle(a, b);
  const s = 0.5 * (sa + sb + sc);
  const t =
    Math.tan(0.5 * s) * Math.tan(0.5 * (s - sa)) * Math.tan(0.5 * (s - sb)) * Math.tan(0.5 * (s - sc));
  return 4 * Math.atan(Math.sqrt(Math.max(0, t)));
}

/**
 * A polygon ring's area in steradians, the smaller region it bounds; null when the ring is invalid
 * per the page (fewer than four entries, not closed, repeated vertices, crossing edges).
 */
function ringArea(v: Json): number | null {
  if (!Array.isArray(v) || v.length < 4) return null;
  const coords: [number, number][] = [];
  for (const c of v) {
    const p = lngLat(c);
    if (!p) return null;
    coords.push(p);
  }
  const [first, last] = [coords[0], coords[coords.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) return null;
  const ring = coords.slice(0, -1);
  const keys = new Set(ring.map(([lng, lat]) => `${lng},${lat}`));
  if (keys.size !== ring.length) return null;
  const points = ring.map(toPoint);
  const n = points.length;
  for (let i = 0; i < n; i++) if (edgeAngle(ring[i], ring[(i + 1) % n]) >= Math.PI) return null;
  const what = 'geo_polygon_area() of a ring whose edges nearly touch';
  for (let i = 0; i < n; i++)
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (crosses(points[i], points[(i + 1) % n], points[j], points[(j + 1) % n], what)) return null;
    }
  let sum = 0;
  for (let i = 1; i + 1 < n; i++) {
    if (angle(points[0], points[i + 1]) > Math.PI - 1e-5)
      throw new UnsupportedError('geo_polygon_area() of a ring spanning half the sphere');
    sum +=
      orientation(points[0], points[i], points[i + 1], what) *
      triangleArea(points[0], points[i], points[i + 1]);
  }
  // A clockwise ring sums to minus the small region's area; taking it as is (rather than 4π minus
  // the large region) keeps the digits S2 keeps by reversing such a loop.
  const small = Math.abs(sum);
  return small <= 2 * Math.PI ? small : 4 * Math.PI - small;
}

/**
 * geo_polygon_area(polygon): square metres of a Polygon without holes. Holes and MultiPolygons
 * (whose area the page defines as that of the polygons' union) are refused.
 */
const polygonArea: ScalarImpl = ([v]) => {
  const s = shape(v);
  if (!s) return null;
  if (s.type === 'MultiPolygon')
    throw new UnsupportedError(
      'geo_polygon_area() of a MultiPolygon',
      'the area of a union of polygons is not computed',
    );
  if (s.type !== 'Polygon' || !Array.isArray(s.coordinates) || s.coordinates.length === 0) return null;
  if (s.coordinates.length > 1)
    throw new UnsupportedError(
      'geo_polygon_area() of a polygon with holes',
      'polygons with holes are not computed',
    );
  const area = ringArea(s.coordinates[0]);
  return area === null ? null : area * EARTH_RADIUS_M * EARTH_RADIUS_M;
};

/** Initial bearing from p1 to p2 in [0, 2π), clockwise from north; null for equal or antipodal points. */
function azimuth(lng1: Value, lat1: Value, lng2: Value, lat2: Value): number | null {
  const p1 = lngLat([num(lng1), num(lat1)] as Json);
  const p2 = lngLat([num(lng2), num(lat2)] as Json);
  if (!p1 || !p2) return null;
  const [a, b] = [toPoint(p1), toPoint(p2)];
  const crossLength = length(cross(a, b));
  // Equal or antipodal points have no defined direction (the pages answer null).
  if (crossLength < SIGN_EPSILON) {
    if (crossLength === 0) return null;
    tooClose('geo_azimuth() of nearly equal or antipodal points');
  }
  const [phi1, phi2, dLambda] = [p1[1] * RADIANS, p2[1] * RADIANS, (p2[0] - p1[0]) * RADIANS];
  const bearing = Math.atan2(
    Math.sin(dLambda) * Math.cos(phi2),
    Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLambda),
  );
  return bearing < 0 ? bearing + 2 * Math.PI : bearing;
}

/** geo_azimuth(lng1, lat1, lng2, lat2): radians clockwise from true north at p1 towards p2. */
const geoAzimuth: ScalarImpl = ([lng1, lat1, lng2, lat2]) => azimuth(lng1, lat1, lng2, lat2);

/**
 * geo_angle(p1, p2, p3): the clockwise angle at p2 from line [p1, p2] to line [p2, p3], in [0, 2π):
 * the bearing towards p3 minus the bearing towards p1 (the page's 0,10 / 0,5 / 3,-10 example).
 */
const geoAngle: ScalarImpl = ([lng1, lat1, lng2, lat2, lng3, lat3]) => {
  const back = azimuth(lng2, lat2, lng1, lat1);
  const forward = azimuth(lng2, lat2, lng3, lat3);
  if (back === null || forward === null) return null;
  const turn = forward - back;
  return turn < 0 ? turn + 2 * Math.PI : turn;
};

export const geoShapeFunctions: FunctionTable = {
  geo_line_length: lineLength,
  geo_polygon_area: polygonArea,
  geo_azimuth: geoAzimuth,
  geo_angle: geoAngle,
};
