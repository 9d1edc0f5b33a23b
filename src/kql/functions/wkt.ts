/**
 * geo_from_wkt(wkt) (https://learn.microsoft.com/kusto/query/geo-from-wkt-function): Well-known text
 * to a GeoJSON shape. The page's examples settle the upper-case keywords POINT, LINESTRING, POLYGON,
 * MULTIPOINT, MULTILINESTRING, MULTIPOLYGON and GEOMETRYCOLLECTION, "x y" coordinates in decimal
 * notation, and the result `{type, coordinates}` (`{type, geometries}` for a collection) with the
 * coordinates as numbers; text that is invalid or of an unsupported type gives null (its last
 * example, "LINESTRING" without coordinates). Whitespace separates tokens only, as in the OGC Simple
 * Features grammar. Valid WKT the examples do not cover is refused when it is met, because whether
 * the service converts it, rejects it (null) or changes it is not shown: lower-case keywords, Z/M
 * coordinates, EMPTY, exponents and signs other than '-', MULTIPOINT points in parentheses,
 * coordinates outside WGS-84's longitude/latitude ranges, lines of one point, and polygons with holes
 * or with a ring that is unclosed, has fewer than four points or runs clockwise.
 */
import { undocumentedInput, type Value } from '../values/index.js';
import type { FunctionTable } from './types.js';

type Coordinates = number[] | Coordinates[];
interface Shape {
  type: string;
  coordinates?: Coordinates;
  geometries?: Shape[];
}

const PAGE = 'the geo_from_wkt page';
const TOKEN = /\s*(?:([A-Za-z]+)|([-+.\d][-+.\deE]*)|([(),]))/y;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** Text that is not valid WKT: the function's result is null. */
class Invalid extends Error {}

function refuse(what: string): never {
  throw undocumentedInput('geo_from_wkt()', what, PAGE);
}

class Parser {
  private readonly tokens: string[] = [];
  private at = 0;

  constructor(text: string) {
    TOKEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    let end = 0;
    while (end < text.length && (m = TOKEN.exec(text)) !== null) {
      this.tokens.push(m[1] ?? m[2] ?? m[3]);
      end = TOKEN.lastIndex;
    }
    if (text.slice(end).trim() !== '') throw new Invalid();
  }

  done(): boolean {
    return this.at === this.tokens.length;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private next(): string {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Invalid();
    return token;
  }

  private expect(token: string): void {
    if (this.next() !== token) throw new Invalid();
  }

  /** `( item, item, ... )` */
  private list<T>(item: () => T): T[] {
    this.expect('(');
    const items = [item()];
    while (this.peek() === ',') {
      this.next();
      items.push(item());
    }
    this.expect(')');
    return items;
  }

  private number(): number {
    const token = this.next();
    if (!/^[-+.\d]/.test(token)) throw new Invalid();
    if (!DECIMAL.test(token)) {
      if (Number.isNaN(Number(token))) throw new Invalid();
      refuse(`the number '${token}' (the examples write decimals without exponent or '+')`);
    }
    const value = Number(token);
    if (Object.is(value, -0)) refuse("the coordinate '-0'");
    return value;
  }

  private point(): number[] {
    const x = this.number();
    const y = this.number();
    const extra = this.peek();
    if (extra !== undefined && /^[-+.\d]/.test(extra))
      refuse('a WKT point with a third or fourth coordinate');
    if (Math.abs(x) > 180 || Math.abs(y) > 90) refuse(`the point (${x} ${y}) outside WGS-84's ranges`);
    return [x, y];
  }

  private line(): number[][] {
    const points = this.list(() => this.point());
    if (points.length < 2) refuse('a WKT line of one point');
    return points;
  }

  private polygon(): number[][][] {
    const rings = this.list(() => this.list(() => this.point()));
    if (rings.length > 1) refuse('a WKT polygon with holes');
    const [ring] = rings;
    const [first, last] = [ring[0], ring[ring.length - 1]];
    if (ring.length < 4 || first[0] !== last[0] || first[1] !== last[1])
      refuse('a WKT polygon ring that is unclosed or has fewer than four points');
    let twiceArea = 0;
    for (let i = 1; i < ring.length; i++)
      twiceArea += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
    if (twiceArea <= 0) refuse('a WKT polygon ring that runs clockwise or has no area');
    return rings;
  }

  geometry(): Shape {
    const keyword = this.next();
    if (!/^[A-Za-z]+$/.test(keyword)) throw new Invalid();
    const upper = keyword.toUpperCase();
    if (!KINDS.has(upper)) throw new Invalid();
    if (keyword !== upper) refuse(`the lower-case WKT keyword '${keyword}'`);
    const modifier = this.peek();
    if (modifier !== undefined && /^[A-Za-z]+$/.test(modifier)) refuse(`WKT '${keyword} ${modifier}'`);
    switch (upper) {
      case 'POINT': {
        this.expect('(');
        const point = this.point();
        this.expect(')');
        return { type: 'Point', coordinates: point };
      }
      case 'LINESTRING':
        return { type: 'LineString', coordinates: this.line() };
      case 'POLYGON':
        return { type: 'Polygon', coordinates: this.polygon() };
      case 'MULTIPOINT':
        if (this.tokens[this.at + 1] === '(') refuse('MULTIPOINT points written in parentheses');
        return { type: 'MultiPoint', coordinates: this.list(() => this.point()) };
      case 'MULTILINESTRING':
        return { type: 'MultiLineString', coordinates: this.list(() => this.line()) };
      case 'MULTIPOLYGON':
        return { type: 'MultiPolygon', coordinates: this.list(() => this.polygon()) };
      default:
        return { type: 'GeometryCollection', geometries: this.list(() => this.geometry()) };
    }
  }
}

const KINDS = new Set([
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
]);

function fromWkt(text: string): Shape | null {
  try {
    const parser = new Parser(text);
    const shape = parser.geometry();
    return parser.done() ? shape : null;
  } catch (error) {
    if (error instanceof Invalid) return null;
    throw error;
  }
}

export const wktFunctions: FunctionTable = {
  geo_from_wkt: ([wkt]) => (typeof wkt === 'string' ? (fromWkt(wkt) as Value) : null),
};
