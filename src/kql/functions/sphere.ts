/**
 * Unit-sphere vectors as S2 uses them (S2Point, S2LatLng): the geo modules share these so a
 * coordinate maps to the same point, and a point back to the same degrees, everywhere.
 */
export type Point = [number, number, number];

const RADIANS = Math.PI / 180;
const DEGREES = 180 / Math.PI;

export const cross = (a: Point, b: Point): Point => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const dot = (a: Point, b: Point): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const length = (a: Point): number => Math.sqrt(dot(a, a));
/** The angle between two vectors (S2Point::Angle). */
export const angle = (a: Point, b: Point): number => Math.atan2(length(cross(a, b)), dot(a, b));

export function normalize(p: Point): Point {
  const n = length(p);
  return n === 0 ? p : [p[0] / n, p[1] / n, p[2] / n];
}

/** S2LatLng::ToPoint of a longitude and latitude in degrees. */
export function toPoint(lng: number, lat: number): Point {
  const phi = lat * RADIANS;
  const theta = lng * RADIANS;
  const c = Math.cos(phi);
  return [Math.cos(theta) * c, Math.sin(theta) * c, Math.sin(phi)];
}

/** [longitude, latitude] in degrees of a point's direction (S2LatLng of an S2Point). */
export function toLngLat([x, y, z]: Point): [number, number] {
  return [DEGREES * Math.atan2(y, x), DEGREES * Math.atan2(z, Math.sqrt(x * x + y * y))];
}
