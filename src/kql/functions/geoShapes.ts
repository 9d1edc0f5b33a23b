/**
 * Lines, polygons and angles on the sphere: lengths, areas, perimeters, centroids, containment,
 * distances, intersection tests, azimuth and angle (https://learn.microsoft.com/kusto/query/
 * geo-line-length-function and the other pages cited below). The pages state the model: a
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
import {
  angle,
  cross,
  dot,
  length,
  normalize,
  type Point,
  toLngLat,
  toPoint as toSpherePoint,
} from './sphere.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const EARTH_RADIUS_M = 6_371_010;
const RADIANS = Math.PI / 180;

/** A [longitude, latitude] pair in degrees, valid per the pages, or null. */
function lngLat(v: Json): [number, number] | null {
  if (!Array.isArray(v) || v.length !== 2) return null;
  const [lng, lat] = v;
  if (typeof lng !== 'number' || typeof lat !== 'number' || !(Math.abs(lng) <= 180) || !(Math.abs(lat) <= 90))
    return null;
  return [lng, lat];
}

const toPoint = ([lng, lat]: [number, number]): Point => toSpherePoint(lng, lat);

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

// Triple products of unit vectors this small cannot be signed reliably in double precision (S2's
// TriageSign bound is 1.8274 * DBL_EPSILON; below it S2 switches to exact arithmetic).
const SIGN_EPSILON = 1e-15;

function orientation(a: Point, b: Point, c: Point, what: string): number {
  const det = dot(cross(a, b), c);
  if (Math.abs(det) < SIGN_EPSILON) tooClose(what);
  return Math.sign(det);
}

/** The sign of the triple product (a×b)·c, or 0 when it is too small to sign. */
function triage(a: Point, b: Point, c: Point): number {
  const det = dot(cross(a, b), c);
  return Math.abs(det) < SIGN_EPSILON ? 0 : Math.sign(det);
}

/**
 * Whether geodesic edges ab and cd share a point (S2's CrossingSign: the four orientations
 * -abc, abd, -cdb, cda are equal). True or false when the signs that can be computed settle it;
 * null when they do not (touching or nearly touching edges).
 */
function edgesMeet(a: Point, b: Point, c: Point, d: Point): boolean | null {
  const signs = [-triage(a, b, c), triage(a, b, d), -triage(c, d, b), triage(c, d, a)];
  const known = signs.filter((s) => s !== 0);
  if (known.some((s) => s !== known[0])) return false;
  return known.length === 4 ? true : null;
}

/** Whether edges ab and cd cross; refuses when that cannot be settled in double precision. */
function crosses(a: Point, b: Point, c: Point, d: Point, what: string): boolean {
  const meet = edgesMeet(a, b, c, d);
  return meet === null ? tooClose(what) : meet;
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
        'a geo line with a repeated vertex',
        'a line with two equal consecutive vertices is not described by the geo pages',
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
 * The lines of a LineString or MultiLineString, or null when invalid. A MultiLineString stands for
 * the union of its lines, which is their sum only while no two lines meet; lines that do are refused.
 */
function disjointLines(v: Value, what: string): [number, number][][] | null {
  const s = shape(v);
  if (!s) return null;
  if (s.type === 'LineString') {
    const line = lineVertices(s.coordinates);
    return line && [line];
  }
  if (s.type !== 'MultiLineString' || !Array.isArray(s.coordinates) || s.coordinates.length === 0)
    return null;
  const parsed = s.coordinates.map(lineVertices);
  if (parsed.some((l) => l === null)) return null;
  const lines = parsed as [number, number][][];
  const meet = `${what} of lines that meet`;
  const edges = lines.map((l) => l.slice(1).map((b, i): [Point, Point] => [toPoint(l[i]), toPoint(b)]));
  for (let x = 0; x < edges.length; x++)
    for (let y = x + 1; y < edges.length; y++)
      for (const [a, b] of edges[x])
        for (const [c, d] of edges[y]) if (crosses(a, b, c, d, meet)) tooClose(meet);
  return lines;
}

/** geo_line_length(line): metres along a LineString, or the union of a MultiLineString's lines. */
const lineLength: ScalarImpl = ([v]) => {
  const lines = disjointLines(v, 'geo_line_length()');
  if (!lines) return null;
  let total = 0;
  for (const line of lines) for (let i = 1; i < line.length; i++) total += edgeAngle(line[i - 1], line[i]);
  return total * EARTH_RADIUS_M;
};

/** A centroid vector as a GeoJSON point (S2LatLng of the direction). */
function centroidPoint(p: Point): Json {
  return { type: 'Point', coordinates: toLngLat(p) };
}

/**
 * geo_line_centroid(line): the direction of the sum of the edges' true centroids (S2's
 * TrueCentroid of an edge: its midpoint direction scaled by twice the sine of half its angle),
 * which reproduces the page's examples to the last digit.
 */
const lineCentroid: ScalarImpl = ([v]) => {
  const lines = disjointLines(v, 'geo_line_centroid()');
  if (!lines) return null;
  const sum: Point = [0, 0, 0];
  for (const line of lines) {
    const points = line.map(toPoint);
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      const difference: Point = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
      const total: Point = [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
      const scale = Math.sqrt(dot(difference, difference) / dot(total, total));
      for (let k = 0; k < 3; k++) sum[k] += scale * total[k];
    }
  }
  return centroidPoint(sum);
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

interface Ring {
  coords: [number, number][];
  points: Point[];
}

/**
 * A ring's vertices without the closing one; null when the ring is invalid per the pages (fewer than
 * four entries, not closed, repeated vertices, an edge of 180 degrees or more, crossing edges).
 */
function parseRing(v: Json, what: string): Ring | null {
  if (!Array.isArray(v) || v.length < 4) return null;
  const coords: [number, number][] = [];
  for (const c of v) {
    const p = lngLat(c);
    if (!p) return null;
    coords.push(p);
  }
  const [first, last] = [coords[0], coords[coords.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) return null;
  coords.pop();
  if (new Set(coords.map(([lng, lat]) => `${lng},${lat}`)).size !== coords.length) return null;
  const n = coords.length;
  for (let i = 0; i < n; i++) if (edgeAngle(coords[i], coords[(i + 1) % n]) >= Math.PI) return null;
  const points = coords.map(toPoint);
  for (let i = 0; i < n; i++)
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (crosses(points[i], points[(i + 1) % n], points[j], points[(j + 1) % n], what)) return null;
    }
  return { coords, points };
}

/** Whether two rings' edges cross ("LinearRings must not cross"). */
function ringsCross(a: Ring, b: Ring, what: string): boolean {
  const [n, m] = [a.points.length, b.points.length];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++)
      if (crosses(a.points[i], a.points[(i + 1) % n], b.points[j], b.points[(j + 1) % m], what)) return true;
  return false;
}

/**
 * A Polygon's or MultiPolygon's rings, each polygon a shell then its holes; null when invalid. Rings
 * of one polygon must not cross each other.
 */
function parsePolygons(v: Value, what: string): Ring[][] | null {
  const s = shape(v);
  if (!s || !Array.isArray(s.coordinates) || s.coordinates.length === 0) return null;
  const polygons = s.type === 'Polygon' ? [s.coordinates] : s.type === 'MultiPolygon' ? s.coordinates : null;
  if (!polygons) return null;
  const parsed: Ring[][] = [];
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) return null;
    const rings: Ring[] = [];
    for (const r of polygon) {
      const ring = parseRing(r, what);
      if (!ring) return null;
      rings.push(ring);
    }
    for (let i = 0; i < rings.length; i++)
      for (let j = i + 1; j < rings.length; j++) if (ringsCross(rings[i], rings[j], what)) return null;
    parsed.push(rings);
  }
  return parsed;
}

/** A valid ring's signed area (positive counterclockwise): the fan of S2's surface integral. */
function ringSignedArea({ points }: Ring, what: string): number {
  let sum = 0;
  for (let i = 1; i + 1 < points.length; i++) {
    if (angle(points[0], points[i + 1]) > Math.PI - 1e-5)
      throw new UnsupportedError(`${what} spanning half the sphere`);
    sum +=
      orientation(points[0], points[i], points[i + 1], what) *
      triangleArea(points[0], points[i], points[i + 1]);
  }
  return sum;
}

/** A valid ring's area in steradians: the smaller region it bounds. */
function ringArea(ring: Ring, what: string): number {
  // A clockwise ring sums to minus the small region's area; taking it as is (rather than 4π minus
  // the large region) keeps the digits S2 keeps by reversing such a loop.
  const small = Math.abs(ringSignedArea(ring, what));
  return small <= 2 * Math.PI ? small : 4 * Math.PI - small;
}

/** S2's TrueCentroid of a spherical triangle, scaled by its (signed) area. */
function triangleCentroid(a: Point, b: Point, c: Point): Point {
  const ratio = (t: number) => (t === 0 ? 1 : t / Math.sin(t));
  const [ra, rb, rc] = [ratio(angle(b, c)), ratio(angle(c, a)), ratio(angle(a, b))];
  const x: Point = [a[0], b[0] - a[0], c[0] - a[0]];
  const y: Point = [a[1], b[1] - a[1], c[1] - a[1]];
  const z: Point = [a[2], b[2] - a[2], c[2] - a[2]];
  const r: Point = [ra, rb - ra, rc - ra];
  return [0.5 * dot(cross(y, z), r), 0.5 * dot(cross(z, x), r), 0.5 * dot(cross(x, y), r)];
}

/** One polygon without holes, or a refusal of what needs S2's boolean operations. */
function singleShell(v: Value, what: string): Ring | null {
  const polygons = parsePolygons(v, what);
  if (!polygons) return null;
  if (polygons.length > 1)
    throw new UnsupportedError(`${what} of a MultiPolygon`, `${what} of a union of polygons is not computed`);
  if (polygons[0].length > 1)
    throw new UnsupportedError(
      `${what} of a polygon with holes`,
      `${what} of a polygon with holes is not computed`,
    );
  return polygons[0][0];
}

/**
 * geo_polygon_area(polygon): square metres of a Polygon without holes. Holes and MultiPolygons
 * (whose area the page defines as that of the polygons' union) are refused.
 */
const polygonArea: ScalarImpl = ([v]) => {
  const what = 'geo_polygon_area()';
  const ring = singleShell(v, what);
  return ring === null ? null : ringArea(ring, what) * EARTH_RADIUS_M * EARTH_RADIUS_M;
};

/** geo_polygon_perimeter(polygon): metres around a Polygon without holes (unions refused as above). */
const polygonPerimeter: ScalarImpl = ([v]) => {
  const ring = singleShell(v, 'geo_polygon_perimeter()');
  if (ring === null) return null;
  const { coords } = ring;
  let total = 0;
  for (let i = 0; i < coords.length; i++) total += edgeAngle(coords[i], coords[(i + 1) % coords.length]);
  return total * EARTH_RADIUS_M;
};

/**
 * geo_polygon_centroid(polygon): the direction of the sum of the fan triangles' true centroids (S2's
 * Loop centroid), for the smaller region; a Polygon without holes (unions refused as for the area).
 */
const polygonCentroid: ScalarImpl = ([v]) => {
  const what = 'geo_polygon_centroid()';
  const ring = singleShell(v, what);
  if (ring === null) return null;
  const signed = ringSignedArea(ring, what);
  if (Math.abs(signed) > 2 * Math.PI)
    throw new UnsupportedError(`${what} of a ring bounding more than a hemisphere`);
  const { points } = ring;
  const sum: Point = [0, 0, 0];
  for (let i = 1; i + 1 < points.length; i++) {
    const c = triangleCentroid(points[0], points[i], points[i + 1]);
    for (let k = 0; k < 3; k++) sum[k] += c[k];
  }
  // A clockwise ring's triangles are negative: its small region's centroid is the opposite sum.
  return centroidPoint(signed < 0 ? [-sum[0], -sum[1], -sum[2]] : sum);
};

const GNOMONIC_MARGIN = 1e-3;
const EDGE_MARGIN = 1e-12;

/** A polygon prepared for containment tests: its rings in the gnomonic plane around their centre. */
interface PlanarPolygon {
  centre: Point;
  axes: [Point, Point];
  rings: [number, number][][];
}

function planar(rings: Ring[], what: string): PlanarPolygon {
  const sum: Point = [0, 0, 0];
  for (const p of rings[0].points) for (let k = 0; k < 3; k++) sum[k] += p[k];
  const n = length(sum);
  if (n < GNOMONIC_MARGIN) throw new UnsupportedError(`${what} of a polygon spanning a hemisphere`);
  const centre: Point = [sum[0] / n, sum[1] / n, sum[2] / n];
  // Every vertex must lie well inside the hemisphere around the centre: then the shell's smaller
  // region lies there too, and the gnomonic projection maps its geodesic edges to straight lines.
  for (const ring of rings)
    for (const p of ring.points)
      if (dot(p, centre) < GNOMONIC_MARGIN)
        throw new UnsupportedError(`${what} of a polygon spanning a hemisphere`);
  const helper: Point = Math.abs(centre[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const u = cross(centre, helper);
  const ul = length(u);
  const e1: Point = [u[0] / ul, u[1] / ul, u[2] / ul];
  const e2 = cross(centre, e1);
  const project = (p: Point): [number, number] => {
    const d = dot(p, centre);
    return [dot(p, e1) / d, dot(p, e2) / d];
  };
  return { centre, axes: [e1, e2], rings: rings.map((r) => r.points.map(project)) };
}

/** Even-odd containment of a point in a planar ring, or 'boundary' for a point on or next to an edge. */
function inPlanarRing([x, y]: [number, number], ring: [number, number][]): boolean | 'boundary' {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    const side = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    const within =
      Math.min(xi, xj) - EDGE_MARGIN <= x &&
      x <= Math.max(xi, xj) + EDGE_MARGIN &&
      Math.min(yi, yj) - EDGE_MARGIN <= y &&
      y <= Math.max(yi, yj) + EDGE_MARGIN;
    if (within && Math.abs(side) <= EDGE_MARGIN * Math.hypot(xj - xi, yj - yi)) return 'boundary';
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

interface PreparedPolygons {
  rings: Ring[][];
  planar: PlanarPolygon[];
}

// Literal polygons are the same object on every row: validate and project them once.
const prepared = new WeakMap<object, PreparedPolygons | null>();

function preparePolygons(v: Value, what: string): PreparedPolygons | null {
  if (!v || typeof v !== 'object') return null;
  let entry = prepared.get(v);
  if (entry === undefined) {
    const rings = parsePolygons(v, what);
    entry = rings ? { rings, planar: rings.map((r) => planar(r, what)) } : null;
    prepared.set(v, entry);
  }
  return entry;
}

/** Whether any polygon holds the point (in a shell, in none of its holes), or 'boundary'. */
function polygonsContain(polygons: PlanarPolygon[], point: Point): boolean | 'boundary' {
  let boundary = false;
  for (const {
    centre,
    axes: [e1, e2],
    rings,
  } of polygons) {
    const d = dot(point, centre);
    if (d <= 0) continue;
    const xy: [number, number] = [dot(point, e1) / d, dot(point, e2) / d];
    const results = rings.map((ring) => inPlanarRing(xy, ring));
    if (results.includes('boundary')) boundary = true;
    else if (results[0] === true && !results.slice(1).includes(true)) return true;
  }
  return boundary ? 'boundary' : false;
}

function refuseBoundary(what: string): never {
  throw new UnsupportedError(
    `${what} of a point on a polygon's boundary`,
    `${what} of a point on or next to a polygon edge: the pages' semi-open boundary rule needs S2's exact predicates`,
  );
}

/**
 * geo_point_in_polygon(lng, lat, polygon): whether a shell holds the point and none of its holes
 * does; for a MultiPolygon, whether any polygon does. Null for an invalid point or polygon.
 */
const pointInPolygon: ScalarImpl = ([lngArg, latArg, v]) => {
  const what = 'geo_point_in_polygon()';
  const p = lngLat([num(lngArg), num(latArg)] as Json);
  const polygons = p && preparePolygons(v, what);
  if (!p || !polygons) return null;
  const inside = polygonsContain(polygons.planar, toPoint(p));
  return inside === 'boundary' ? refuseBoundary(what) : inside;
};

/**
 * Radians from x to the nearest of a set of geodesic edges. Only a vertex may be nearest: when an
 * edge's interior is nearer, the service's answer differs from the exact distance (the
 * geo_distance_point_to_polygon page prints 259.940756070596 m from (-73.9839, 40.7705) to Central
 * Park, whose nearest point is inside an edge, where the exact distance is 259.9407559707 m; its
 * vertex-nearest examples agree to 14 digits), so that case is refused.
 */
function distanceToEdges(x: Point, edges: Iterable<[Point, Point]>, what: string): number {
  let vertex = Number.POSITIVE_INFINITY;
  let interior = Number.POSITIVE_INFINITY;
  for (const [a, b] of edges) {
    vertex = Math.min(vertex, angle(x, a), angle(x, b));
    const n = cross(a, b);
    const nl = length(n);
    if (nl > 0 && dot(cross(n, a), x) > 0 && dot(cross(b, n), x) > 0)
      interior = Math.min(interior, Math.asin(Math.min(1, Math.abs(dot(x, n)) / (nl * length(x)))));
  }
  if (interior < vertex)
    throw new UnsupportedError(
      `${what} nearest to an edge's interior`,
      `${what} where the nearest point lies inside an edge is not supported: the service's value differs from the exact distance in the 10th digit and its method is not documented`,
    );
  return vertex;
}

/**
 * geo_distance_point_to_line(lng, lat, line): metres from the point to the nearest edge of a
 * LineString or of any line of a MultiLineString; null for an invalid point or line.
 */
const distancePointToLine: ScalarImpl = ([lngArg, latArg, v]) => {
  const p = lngLat([num(lngArg), num(latArg)] as Json);
  const edges = lineEdges(v);
  if (!p || !edges) return null;
  return distanceToEdges(toPoint(p), edges, 'geo_distance_point_to_line()') * EARTH_RADIUS_M;
};

/** Every edge of a polygon set's rings. */
function polygonEdges(rings: Ring[][]): [Point, Point][] {
  return rings
    .flat()
    .flatMap(({ points }) => points.map((a, i): [Point, Point] => [a, points[(i + 1) % points.length]]));
}

/**
 * geo_distance_point_to_polygon(lng, lat, polygon): 0 when a polygon holds the point, else metres to
 * the nearest ring edge; null for an invalid point or polygon.
 */
const distancePointToPolygon: ScalarImpl = ([lngArg, latArg, v]) => {
  const p = lngLat([num(lngArg), num(latArg)] as Json);
  const polygons = p && preparePolygons(v, 'geo_distance_point_to_polygon()');
  if (!p || !polygons) return null;
  const x = toPoint(p);
  // On the boundary the distance is 0 whichever side the boundary rule gives.
  if (polygonsContain(polygons.planar, x) === true) return 0;
  return distanceToEdges(x, polygonEdges(polygons.rings), 'geo_distance_point_to_polygon()') * EARTH_RADIUS_M;
};

/** Whether any edge of one set meets any of the other; refuses when only unsure pairs remain. */
function anyEdgesMeet(first: [Point, Point][], second: [Point, Point][], what: string): boolean {
  let unsure = false;
  for (const [a, b] of first)
    for (const [c, d] of second) {
      const meet = edgesMeet(a, b, c, d);
      if (meet === true) return true;
      if (meet === null) unsure = true;
    }
  if (unsure) tooClose(what);
  return false;
}

function lineEdges(v: Value): [Point, Point][] | null {
  const s = shape(v);
  if (!s) return null;
  const lines =
    s.type === 'LineString' ? [s.coordinates] : s.type === 'MultiLineString' ? s.coordinates : null;
  if (!Array.isArray(lines) || lines.length === 0) return null;
  const edges: [Point, Point][] = [];
  for (const l of lines) {
    const line = lineVertices(l);
    if (!line) return null;
    const points = line.map(toPoint);
    for (let i = 1; i < points.length; i++) edges.push([points[i - 1], points[i]]);
  }
  return edges;
}

/** geo_intersects_2lines(line1, line2): whether the lines (or multilines) cross or touch. */
const intersects2Lines: ScalarImpl = ([first, second]) => {
  const a = lineEdges(first);
  const b = lineEdges(second);
  if (!a || !b) return null;
  return anyEdgesMeet(a, b, 'geo_intersects_2lines()');
};

/** Whether some vertex lies inside the polygons; refuses a vertex on their boundary. */
function anyVertexInside(vertices: Point[], polygons: PlanarPolygon[], what: string): boolean {
  let boundary = false;
  for (const x of vertices) {
    const inside = polygonsContain(polygons, x);
    if (inside === true) return true;
    if (inside === 'boundary') boundary = true;
  }
  if (boundary) refuseBoundary(what);
  return false;
}

/**
 * geo_intersects_2polygons(polygon1, polygon2): whether their edges meet or one holds a vertex of the
 * other (two polygons meet exactly when one of those holds).
 */
const intersects2Polygons: ScalarImpl = ([first, second]) =>
  polygonsMeet(first, second, 'geo_intersects_2polygons()');

/** Whether two polygons (or multipolygons) meet; null when either is invalid. */
function polygonsMeet(first: Value, second: Value, what: string): boolean | null {
  const a = preparePolygons(first, what);
  const b = preparePolygons(second, what);
  if (!a || !b) return null;
  const [edgesA, edgesB] = [polygonEdges(a.rings), polygonEdges(b.rings)];
  if (anyEdgesMeet(edgesA, edgesB, what)) return true;
  return (
    anyVertexInside(
      edgesA.map(([p]) => p),
      b.planar,
      what,
    ) ||
    anyVertexInside(
      edgesB.map(([p]) => p),
      a.planar,
      what,
    )
  );
}

/**
 * geo_intersects_line_with_polygon(line, polygon): whether a line edge meets a ring edge or the
 * polygon holds a line vertex.
 */
const intersectsLineWithPolygon: ScalarImpl = ([lineArg, polygonArg]) =>
  lineMeetsPolygon(lineArg, polygonArg, 'geo_intersects_line_with_polygon()');

/** Whether a line meets a polygon (or multipolygon); null when either is invalid. */
function lineMeetsPolygon(lineArg: Value, polygonArg: Value, what: string): boolean | null {
  const line = lineEdges(lineArg);
  const polygons = preparePolygons(polygonArg, what);
  if (!line || !polygons) return null;
  if (anyEdgesMeet(line, polygonEdges(polygons.rings), what)) return true;
  const vertices = [...line.map(([p]) => p), line[line.length - 1][1]];
  return anyVertexInside(vertices, polygons.planar, what);
}

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

/**
 * The point where geodesic edges ab and cd cross, as S2 computes an edge intersection: the two
 * planes' normals each taken in the stable form (a - b) × (a + b) and normalized, their cross product
 * normalized and turned to the edges' side. This reproduces the geo_intersection_2lines page's point
 * to its last printed digit, where the plain (a × b) × (c × d) is off from the 11th digit.
 */
function edgeIntersection(a: Point, b: Point, c: Point, d: Point): Point {
  const stableNormal = (p: Point, q: Point): Point => {
    const n = cross([p[0] - q[0], p[1] - q[1], p[2] - q[2]], [p[0] + q[0], p[1] + q[1], p[2] + q[2]]);
    const l = length(n);
    return [n[0] / l, n[1] / l, n[2] / l];
  };
  const x = cross(stableNormal(a, b), stableNormal(c, d));
  const l = length(x);
  const sum: Point = [a[0] + b[0] + c[0] + d[0], a[1] + b[1] + c[1] + d[1], a[2] + b[2] + c[2] + d[2]];
  const sign = dot(x, sum) < 0 ? -1 : 1;
  return [(sign * x[0]) / l, (sign * x[1]) / l, (sign * x[2]) / l];
}

/** A LineString's vertices; null when it is not a valid LineString (another type included). */
function lineStringVertices(v: Value): [number, number][] | null {
  const s = shape(v);
  return s?.type === 'LineString' ? lineVertices(s.coordinates) : null;
}

/**
 * geo_intersection_2lines(line1, line2) (https://learn.microsoft.com/kusto/query/geo-intersection-2lines-function):
 * two LineStrings whose edges cross at one point give that GeoJSON point; lines that do not meet an
 * empty GeometryCollection; the same line twice the line itself (the page's four examples); an
 * invalid line null. Other intersections (several points, touching or overlapping edges,
 * MultiLineStrings) are shaped by the service's geometry library (which collection, vertex order),
 * which the page does not describe, and are refused.
 */
const intersection2Lines: ScalarImpl = ([first, second]): Json => {
  const what = 'geo_intersection_2lines()';
  for (const v of [first, second])
    if (shape(v)?.type === 'MultiLineString')
      throw new UnsupportedError(
        `${what} of a MultiLineString`,
        `${what} of a MultiLineString is not supported: the shape of the result is not documented`,
      );
  const a = lineStringVertices(first);
  const b = lineStringVertices(second);
  if (!a || !b) return null;
  if (a.length === b.length && a.every(([lng, lat], i) => lng === b[i][0] && lat === b[i][1]))
    return { type: 'LineString', coordinates: a };
  const crossings: Point[] = [];
  for (let i = 1; i < a.length; i++)
    for (let j = 1; j < b.length; j++) {
      const [p, q, r, t] = [toPoint(a[i - 1]), toPoint(a[i]), toPoint(b[j - 1]), toPoint(b[j])];
      if (crosses(p, q, r, t, `${what} of lines that touch or overlap`))
        crossings.push(edgeIntersection(p, q, r, t));
    }
  if (crossings.length === 0) return { type: 'GeometryCollection', geometries: [] };
  if (crossings.length > 1)
    throw new UnsupportedError(
      `${what} of lines that cross more than once`,
      `${what} of lines that cross more than once is not supported: the order and collection of the points are not documented`,
    );
  return { type: 'Point', coordinates: toLngLat(crossings[0]) };
};

/** A longitude and latitude in range (the geo pages' valid coordinates), else null. */
function validCoordinate(longitude: Value, latitude: Value): [number, number] | null {
  const lng = num(longitude);
  const lat = num(latitude);
  return lng !== null && lat !== null && Math.abs(lng) <= 180 && Math.abs(lat) <= 90 ? [lng, lat] : null;
}

/**
 * geo_line_locate_point(line, longitude, latitude [, use_spheroid]): null for an invalid line or
 * coordinate (the page's example); otherwise refused, like the other functions that need the point
 * nearest inside an edge, whose method the service does not document (see geo_distance_point_to_line).
 */
const lineLocatePoint: ScalarImpl = ([line, longitude, latitude]) => {
  if (!lineStringVertices(line) || !validCoordinate(longitude, latitude)) return null;
  throw new UnsupportedError(
    'geo_line_locate_point() of a valid line',
    'geo_line_locate_point() of a valid line is not supported: the nearest point inside an edge is computed by a method its page does not give',
  );
};

/**
 * geo_point_buffer(longitude, latitude, radius [, tolerance]): null for an invalid point or a
 * radius that is not positive (the page's examples); otherwise refused: the polygon's vertices are
 * the service's geometry library's choice, which the page does not describe.
 */
const pointBuffer: ScalarImpl = ([longitude, latitude, radius]) => {
  const r = num(radius);
  if (!validCoordinate(longitude, latitude) || r === null || !(r > 0)) return null;
  throw new UnsupportedError(
    'geo_point_buffer() of a valid point',
    "geo_point_buffer() of a valid point is not supported: the buffer polygon's vertices are chosen by the service's geometry library, which its page does not describe",
  );
};

/**
 * geo_line_interpolate_point(line, fraction) (https://learn.microsoft.com/kusto/query/geo-line-interpolate-point-function):
 * the point `fraction` of the way along a LineString, as S2's S2Polyline::Interpolate finds it: the
 * target arc length fraction × the sum of the edges' angles, walked edge by edge and placed inside
 * its edge with S2's InterpolateAtDistance (cos(d) a + sin(d) t / |t|, normalized, with t the tangent
 * (a+b)×(b-a) × a); fraction 0 is the first vertex and an arc length the edges do not reach the last.
 * Both of the page's values come out to the last digit. Null for an invalid line or a fraction outside
 * [0, 1]; a MultiLineString ("should not contain more than a single line string") and a null
 * fraction are refused.
 */
const lineInterpolatePoint: ScalarImpl = ([line, fractionValue]) => {
  const what = 'geo_line_interpolate_point()';
  if (shape(line)?.type === 'MultiLineString')
    throw new UnsupportedError(
      `${what} of a MultiLineString`,
      `${what} of a MultiLineString is not supported: its page takes a single line string`,
    );
  const vertices = lineStringVertices(line);
  if (!vertices) return null;
  if (fractionValue === null) throw new UnsupportedError(`${what} with a null fraction`);
  const fraction = num(fractionValue);
  if (fraction === null || !(fraction >= 0 && fraction <= 1)) return null;
  if (fraction === 0) return { type: 'Point', coordinates: vertices[0] };
  const points = vertices.map(toPoint);
  const lengths = points.slice(1).map((b, i) => angle(points[i], b));
  let target = fraction * lengths.reduce((sum, l) => sum + l, 0);
  for (let i = 1; i < points.length; i++) {
    const l = lengths[i - 1];
    if (target < l) {
      const [a, b] = [points[i - 1], points[i]];
      const t = cross(
        cross([a[0] + b[0], a[1] + b[1], a[2] + b[2]], [b[0] - a[0], b[1] - a[1], b[2] - a[2]]),
        a,
      );
      const k = Math.sin(target) / length(t);
      const c = Math.cos(target);
      const x: Point = [c * a[0] + k * t[0], c * a[1] + k * t[1], c * a[2] + k * t[2]];
      const n = length(x);
      return { type: 'Point', coordinates: toLngLat([x[0] / n, x[1] / n, x[2] / n]) };
    }
    target -= l;
  }
  return { type: 'Point', coordinates: vertices[vertices.length - 1] };
};

/**
 * geo_closest_point_on_line(longitude, latitude, line) (https://learn.microsoft.com/kusto/query/geo-closest-point-on-line-function):
 * answered when the nearest point is a vertex of the line (the page's example: the road vertex
 * nearest North Las Vegas Airport), as the vertex's own coordinates; null for an invalid coordinate or
 * line. A nearest point inside an edge is refused for the reason distanceToEdges gives, and two
 * vertices at the same distance too (which one the service picks is not documented).
 */
const closestPointOnLine: ScalarImpl = ([lngArg, latArg, v]) => {
  const what = 'geo_closest_point_on_line()';
  const p = validCoordinate(lngArg, latArg);
  const s = shape(v);
  const lines =
    s?.type === 'LineString' ? [s.coordinates] : s?.type === 'MultiLineString' ? s.coordinates : null;
  if (!p || !Array.isArray(lines) || lines.length === 0) return null;
  const parsed = lines.map(lineVertices);
  if (parsed.some((l) => l === null)) return null;
  const x = toPoint(p);
  const vertices = (parsed as [number, number][][]).flat();
  const edges = (parsed as [number, number][][]).flatMap((l) =>
    l.slice(1).map((b, i): [Point, Point] => [toPoint(l[i]), toPoint(b)]),
  );
  const nearest = distanceToEdges(x, edges, what);
  const at = vertices.filter((c) => angle(x, toPoint(c)) === nearest);
  if (
    new Set(at.map(([lng, lat]) => `${lng},${lat}`)).size !== 1 ||
    vertices.some((c) => {
      const d = angle(x, toPoint(c));
      return d !== nearest && Math.abs(d - nearest) <= 1e-15;
    })
  )
    throw new UnsupportedError(
      `${what} with vertices at equal distance`,
      `${what} with several vertices at the nearest distance is not supported: which one the service returns is not documented`,
    );
  return { type: 'Point', coordinates: at[0] };
};

/**
 * geo_line_buffer(line, radius [, tolerance]): null for an invalid line or a radius that is not
 * positive (the page's examples); otherwise refused: the buffer polygon's vertices are the service's
 * geometry library's choice, which the page does not describe.
 */
const lineBuffer: ScalarImpl = ([line, radius]) => {
  const r = num(radius);
  if (!lineEdges(line) || r === null || !(r > 0)) return null;
  throw new UnsupportedError(
    'geo_line_buffer() of a valid line',
    "geo_line_buffer() of a valid line is not supported: the buffer polygon's vertices are chosen by the service's geometry library, which its page does not describe",
  );
};

/**
 * geo_line_simplify(line [, tolerance = 10]): null for an invalid line or a negative tolerance (the
 * page's examples); otherwise refused: which vertices the service's simplification keeps (and when a
 * short line disappears) is its geometry library's choice.
 */
const lineSimplify: ScalarImpl = ([line, tolerance]) => {
  const t = tolerance === undefined ? 10 : num(tolerance);
  if (!lineEdges(line) || t === null || !(t >= 0)) return null;
  throw new UnsupportedError(
    'geo_line_simplify() of a valid line',
    "geo_line_simplify() of a valid line is not supported: which vertices are kept is chosen by the service's geometry library, which its page does not describe",
  );
};

/**
 * geo_closest_point_on_polygon(longitude, latitude, polygon) (https://learn.microsoft.com/kusto/query/geo-closest-point-on-polygon-function):
 * the point itself when a polygon holds it (the page's Returns), the nearest vertex when a vertex is
 * nearest, null for an invalid coordinate or polygon (the page's examples). A point on the boundary,
 * a nearest point inside an edge (the page's Central Park example, see distanceToEdges) and vertices
 * tied for nearest are refused.
 */
const closestPointOnPolygon: ScalarImpl = ([lngArg, latArg, v]) => {
  const what = 'geo_closest_point_on_polygon()';
  const p = validCoordinate(lngArg, latArg);
  const polygons = p && preparePolygons(v, what);
  if (!p || !polygons) return null;
  const x = toPoint(p);
  const inside = polygonsContain(polygons.planar, x);
  if (inside === 'boundary') refuseBoundary(what);
  if (inside) return { type: 'Point', coordinates: p };
  const nearest = distanceToEdges(x, polygonEdges(polygons.rings), what);
  const vertices = polygons.rings.flat().flatMap(({ coords }) => coords);
  const at = vertices.filter((c) => angle(x, toPoint(c)) === nearest);
  const tied = vertices.some((c) => {
    const d = angle(x, toPoint(c));
    return d !== nearest && Math.abs(d - nearest) <= 1e-15;
  });
  if (new Set(at.map(([lng, lat]) => `${lng},${lat}`)).size !== 1 || tied)
    throw new UnsupportedError(
      `${what} with vertices at equal distance`,
      `${what} with several vertices at the nearest distance is not supported: which one the service returns is not documented`,
    );
  return { type: 'Point', coordinates: at[0] };
};

/**
 * geo_polygon_buffer(polygon, radius [, tolerance]): null for an invalid polygon or a radius that is
 * not positive (the page's examples); otherwise refused: the buffer polygon's vertices are the
 * service's geometry library's choice, which the page does not describe.
 */
const polygonBuffer: ScalarImpl = ([polygon, radius]) => {
  const what = 'geo_polygon_buffer()';
  const r = num(radius);
  if (!parsePolygons(polygon, what) || r === null || !(r > 0)) return null;
  throw new UnsupportedError(
    `${what} of a valid polygon`,
    `${what} of a valid polygon is not supported: the buffer polygon's vertices are chosen by the service's geometry library, which its page does not describe`,
  );
};

/**
 * geo_polygon_simplify(polygon [, tolerance = 10]): null for an invalid polygon or a tolerance outside
 * the page's [0.1, 10000] (its examples); otherwise refused: which vertices are kept is the service's
 * geometry library's choice.
 */
const polygonSimplify: ScalarImpl = ([polygon, tolerance]) => {
  const what = 'geo_polygon_simplify()';
  const t = tolerance === undefined ? 10 : num(tolerance);
  if (!parsePolygons(polygon, what) || t === null || !(t >= 0.1 && t <= 10000)) return null;
  throw new UnsupportedError(
    `${what} of a valid polygon`,
    `${what} of a valid polygon is not supported: which vertices are kept is chosen by the service's geometry library, which its page does not describe`,
  );
};

/**
 * Largest distance in metres between an edge drawn straight in longitude/latitude (GeoJSON's planar
 * edge, the densify pages' Motivation) and the geodesic between the same vertices, sampled along the
 * edge. Null for an edge across the antimeridian, whose planar form depends on preserve_crossing.
 */
function planarDeviation(a: [number, number], b: [number, number]): number | null {
  if (Math.abs(b[0] - a[0]) > 180) return null;
  const normal = cross(toPoint(a), toPoint(b));
  const n = length(normal);
  if (n === 0) return 0;
  let most = 0;
  for (let k = 1; k < 64; k++) {
    const t = k / 64;
    const p = toPoint([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    most = Math.max(most, Math.abs(Math.asin(Math.min(1, Math.abs(dot(normal, p)) / n))));
  }
  return most * EARTH_RADIUS_M;
}

// The deviation here is sampled and measured on a sphere of our choosing; an edge is called short
// only with this margin below the tolerance, so a different measure of the service cannot flip it.
const DENSIFY_MARGIN = 4;

/**
 * geo_line_densify / geo_polygon_densify(shape [, tolerance = 10 [, preserve_crossing]]): null for an
 * invalid shape or a tolerance outside [0.1, 10000] (the pages' Parameters and null examples); the
 * shape unchanged when every edge's planar form lies well within the tolerance of its geodesic (the
 * pages' first example: "the result remains unchanged"); otherwise refused, because the points the
 * service adds follow a criterion the pages do not state.
 */
function densify(what: string, rings: (v: Value) => [number, number][][] | null): ScalarImpl {
  return ([v, tolerance]) => {
    const t = tolerance === undefined ? 10 : num(tolerance);
    const parts = rings(v);
    if (!parts || t === null || !(t >= 0.1 && t <= 10000)) return null;
    for (const part of parts)
      for (let i = 1; i < part.length; i++) {
        const d = planarDeviation(part[i - 1], part[i]);
        if (d === null || d * DENSIFY_MARGIN >= t)
          throw new UnsupportedError(
            `${what} of long edges`,
            `${what} of an edge whose planar form strays near or past the tolerance is not supported: the page's split of a 1° edge into 8 pieces fits several densification criteria; which one the service uses is not stated`,
          );
      }
    return v;
  };
}

const lineDensify = densify('geo_line_densify()', (v) => {
  const s = shape(v);
  const lines =
    s?.type === 'LineString' ? [s.coordinates] : s?.type === 'MultiLineString' ? s.coordinates : null;
  if (!Array.isArray(lines) || lines.length === 0) return null;
  const parsed = lines.map(lineVertices);
  return parsed.some((l) => l === null) ? null : (parsed as [number, number][][]);
});

const polygonDensify = densify('geo_polygon_densify()', (v) => {
  const polygons = parsePolygons(v, 'geo_polygon_densify()');
  // A ring's coords leave out the closing vertex; its closing edge is an edge too.
  return polygons && polygons.flat().map(({ coords }) => [...coords, coords[0]]);
});

/**
 * geo_union_lines_array(lines): null when the argument is not an array or any of its lines is invalid
 * (the page's example); otherwise refused: the union's vertices and order are the service's geometry
 * library's choice.
 */
const unionLinesArray: ScalarImpl = ([v]) => {
  const what = 'geo_union_lines_array()';
  if (!Array.isArray(v) || v.some((line) => !lineEdges(line as Value))) return null;
  throw new UnsupportedError(
    `${what} of valid lines`,
    `${what} of valid lines is not supported: its result is a geometry computed by the service's geometry library (vertex choice and order, tolerance handling), which its page does not specify`,
  );
};

// S2's largest cell area at level k is kMaxArea × 4^-k steradians, kMaxArea = 2.635799256963161491
// for its quadratic projection (s2geometry src/s2/s2metrics.cc).
const S2_MAX_AREA_DERIV = 2.6357992569631614;
// "Maximum count of tokens per polygon is 65536"
// (https://learn.microsoft.com/kusto/query/geo-polygon-to-s2cells-function).
const S2_COVERING_LIMIT = 65536;
const GEOMETRY_LIBRARY_S2 =
  "its cells are the choice of S2's region coverer, which its page does not specify (only a covering provably over the 65,536-token limit is answered, null)";

/**
 * geo_polygon_to_s2cells(polygon [, level]): null for an invalid polygon or a level outside
 * [0, 30], and null where the covering provably exceeds the page's 65,536 tokens ("If the polygon or
 * level are invalid or cells count exceed the limit, the query will produce a null result"): cells
 * that cover the polygon hold at least its area, and none is larger than S2's largest cell at that
 * level, so area ÷ that cell's area tokens at least (the smaller region's area, so the bound holds
 * for either region the ring may bound). Every other covering is refused: which cells S2's region
 * coverer picks is not specified. A MultiPolygon, holes and a radius are refused whole.
 */
const polygonToS2Cells: ScalarImpl = ([v, levelValue, radius]) => {
  const what = 'geo_polygon_to_s2cells()';
  if (radius !== undefined) throw new UnsupportedError(`${what} with a radius`);
  if (!validS2Level(levelValue)) return null;
  const level = levelValue === undefined ? 11 : (num(levelValue) as number);
  const ring = singleShell(v, what);
  if (ring === null) return null;
  if (ringArea(ring, what) / (S2_MAX_AREA_DERIV * 4 ** -level) > S2_COVERING_LIMIT) return null;
  throw new UnsupportedError(
    `${what} of a valid polygon`,
    `${what} of a valid polygon is not supported: ${GEOMETRY_LIBRARY_S2}`,
  );
};

/** A covering's level: 11 when left out, else an integer in [0, 30] (the s2cells pages). */
function validS2Level(v: Value | undefined): boolean {
  if (v === undefined) return true;
  const level = num(v);
  return level !== null && Number.isInteger(level) && level >= 0 && level <= 30;
}

/**
 * geo_line_to_s2cells(line [, level [, radius]]): null for an invalid line or level ("If line, level,
 * radius is invalid, or the cell count exceeds the limit, the query will produce a null result",
 * https://learn.microsoft.com/kusto/query/geo-line-to-s2cells-function); every other covering is
 * refused (S2's region coverer), as is a radius with a valid line (what makes it invalid is not said).
 */
const lineToS2Cells: ScalarImpl = ([v, levelValue]) => {
  const what = 'geo_line_to_s2cells()';
  if (!validS2Level(levelValue) || !lineEdges(v)) return null;
  throw new UnsupportedError(
    `${what} of a valid line`,
    `${what} of a valid line is not supported: its cells are the choice of S2's region coverer, which its page does not specify`,
  );
};

/**
 * Whether two shapes, given by their vertices, lie in disjoint spherical caps: each cap is centred on
 * the mean of its vertices and reaches the farthest one. A cap under a quarter sphere holds the
 * geodesic edges between its vertices and the smaller region they bound, so shapes in disjoint caps
 * cannot meet; a margin keeps rounding from deciding it.
 */
function farApart(a: Point[], b: Point[]): boolean {
  const cap = (points: Point[]) => {
    const centre = normalize(
      points.reduce((s, p): Point => [s[0] + p[0], s[1] + p[1], s[2] + p[2]], [0, 0, 0]),
    );
    return { centre, radius: Math.max(...points.map((p) => angle(centre, p))) };
  };
  const [x, y] = [cap(a), cap(b)];
  if (x.radius >= Math.PI / 4 || y.radius >= Math.PI / 4) return false;
  return angle(x.centre, y.centre) > x.radius + y.radius + 1e-9;
}

const NO_INTERSECTION = (): Json => ({ type: 'GeometryCollection', geometries: [] });

/**
 * Whether the geo_intersects_* predicate says the shapes meet nowhere. Where it cannot decide (edges
 * that touch or nearly touch) the shapes may meet, and the intersection's own refusal applies.
 */
function meetsNowhere(meets: () => boolean | null): boolean {
  try {
    return meets() === false;
  } catch (error) {
    if (error instanceof UnsupportedError) return false;
    throw error;
  }
}

/**
 * geo_intersection_2polygons(polygon1, polygon2): null when either is not a valid polygon or
 * multipolygon (the page's example); otherwise refused for the geometry library's choices.
 */
const intersection2Polygons: ScalarImpl = ([a, b]) => {
  const what = 'geo_intersection_2polygons()';
  const [x, y] = [parsePolygons(a, what), parsePolygons(b, what)];
  if (!x || !y) return null;
  // Shapes that meet nowhere: the page prints an empty GeometryCollection then (its fourth example,
  // two triangles 0.6° apart), decided as geo_intersects_2polygons() decides it.
  const points = (p: Ring[][]) => p.flat().flatMap((r) => r.points);
  if (farApart(points(x), points(y)) || meetsNowhere(() => polygonsMeet(a, b, what)))
    return NO_INTERSECTION();
  throw new UnsupportedError(
    `${what} of valid polygons`,
    `${what} of valid polygons is not supported: its result is a geometry computed by the service's geometry library (vertex choice and order, tolerance handling), which its page does not specify`,
  );
};

/**
 * geo_union_polygons_array(polygons): null when the argument is not an array or any polygon in it is
 * invalid (the page's example); otherwise refused for the geometry library's choices.
 */
const unionPolygonsArray: ScalarImpl = ([v]) => {
  const what = 'geo_union_polygons_array()';
  if (!Array.isArray(v) || v.some((p) => !parsePolygons(p as Value, what))) return null;
  throw new UnsupportedError(
    `${what} of valid polygons`,
    `${what} of valid polygons is not supported: its result is a geometry computed by the service's geometry library (vertex choice and order, tolerance handling), which its page does not specify`,
  );
};

/**
 * geo_simplify_polygons_array(polygons [, tolerance = 10]): null for an invalid polygon in the array
 * or a tolerance below 0 (the page's examples; its range is [0, ~7,800,000]); otherwise refused,
 * also when a high tolerance may make polygons disappear (the page's third null example), since
 * which vertices are kept is the geometry library's choice.
 */
const simplifyPolygonsArray: ScalarImpl = ([v, tolerance]) => {
  const what = 'geo_simplify_polygons_array()';
  const t = tolerance === undefined ? 10 : num(tolerance);
  if (!Array.isArray(v) || v.some((p) => !parsePolygons(p as Value, what)) || t === null || !(t >= 0))
    return null;
  throw new UnsupportedError(
    `${what} of valid polygons`,
    `${what} of valid polygons is not supported: which vertices are kept (and when a polygon disappears) is chosen by the service's geometry library, which its page does not describe`,
  );
};

/**
 * geo_intersection_line_with_polygon(line, polygon): null when the line or the polygon is invalid
 * (the page's Returns); otherwise refused for the geometry library's choices.
 */
const intersectionLineWithPolygon: ScalarImpl = ([line, polygon]) => {
  const what = 'geo_intersection_line_with_polygon()';
  const [edges, polygons] = [lineEdges(line), parsePolygons(polygon, what)];
  if (!edges || !polygons) return null;
  // Shapes far apart meet nowhere: the page prints an empty GeometryCollection then.
  if (
    farApart(
      edges.flat(),
      polygons.flat().flatMap((r) => r.points),
    ) ||
    meetsNowhere(() => lineMeetsPolygon(line, polygon, what))
  )
    return NO_INTERSECTION();
  throw new UnsupportedError(
    `${what} of valid shapes`,
    `${what} of valid shapes is not supported: its result is a geometry computed by the service's geometry library (vertex choice and order, tolerance handling), which its page does not specify`,
  );
};

export const geoShapeFunctions: FunctionTable = {
  geo_union_polygons_array: unionPolygonsArray,
  geo_simplify_polygons_array: simplifyPolygonsArray,
  geo_intersection_line_with_polygon: intersectionLineWithPolygon,
  geo_line_densify: lineDensify,
  geo_polygon_densify: polygonDensify,
  geo_union_lines_array: unionLinesArray,
  geo_polygon_to_s2cells: polygonToS2Cells,
  geo_line_to_s2cells: lineToS2Cells,
  geo_intersection_2polygons: intersection2Polygons,
  geo_closest_point_on_polygon: closestPointOnPolygon,
  geo_polygon_buffer: polygonBuffer,
  geo_polygon_simplify: polygonSimplify,
  geo_line_buffer: lineBuffer,
  geo_line_simplify: lineSimplify,
  geo_line_interpolate_point: lineInterpolatePoint,
  geo_closest_point_on_line: closestPointOnLine,
  geo_intersection_2lines: intersection2Lines,
  geo_line_locate_point: lineLocatePoint,
  geo_point_buffer: pointBuffer,
  geo_line_length: lineLength,
  geo_polygon_area: polygonArea,
  geo_polygon_centroid: polygonCentroid,
  geo_line_centroid: lineCentroid,
  geo_polygon_perimeter: polygonPerimeter,
  geo_point_in_polygon: pointInPolygon,
  geo_distance_point_to_line: distancePointToLine,
  geo_distance_point_to_polygon: distancePointToPolygon,
  geo_intersects_2lines: intersects2Lines,
  geo_intersects_2polygons: intersects2Polygons,
  geo_intersects_line_with_polygon: intersectsLineWithPolygon,
  geo_azimuth: geoAzimuth,
  geo_angle: geoAngle,
};
