/**
 * The runtime form of a whole real inside a dynamic (DynReal, values/types.ts): boxed so that its
 * kind survives (the dynamic page: Kusto "differentiates between long and real numbers"), while
 * longs and fractions stay plain numbers.
 */
import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery } from '../../../src/kql/index.js';
import {
  coerce,
  DynReal,
  dynamicIdentity,
  dynamicNumber,
  dynamicText,
  isBag,
  type Json,
  plainJson,
  realInDynamic,
  toJson,
  valueToDynamic,
  valueToString,
} from '../../../src/kql/values/index.js';

describe('DynReal', () => {
  it('boxes only whole reals; fractions and longs stay numbers', () => {
    expect(realInDynamic(1)).toEqual(new DynReal(1));
    expect(realInDynamic(1.5)).toBe(1.5);
    expect(valueToDynamic(2, 'real')).toBeInstanceOf(DynReal);
    expect(valueToDynamic(2, 'long')).toBe(2);
    expect(valueToDynamic(2.5, 'real')).toBe(2.5);
  });

  it('reads as its number and is neither a bag nor an array', () => {
    expect(dynamicNumber(new DynReal(3))).toBe(3);
    expect(dynamicNumber(3)).toBe(3);
    expect(dynamicNumber('3')).toBeUndefined();
    expect(isBag(new DynReal(3))).toBe(false);
    expect(isBag({ a: 1 })).toBe(true);
    expect(isBag([1])).toBe(false);
  });

  it('is written with a fraction inside arrays and bags, as a real alone', () => {
    expect(dynamicText([new DynReal(1), 2, 2.5])).toBe('[1.0,2,2.5]');
    expect(dynamicText({ a: new DynReal(-4) })).toBe('{"a":-4.0}');
    expect(dynamicText([new DynReal(5e15)])).toBe('[5E+15]');
    expect(dynamicText(new DynReal(2))).toBe('2');
  });

  it('leaves the engine as a plain number, copying only what holds a box', () => {
    const plain: Json = { a: [1, 2.5], b: 'x' };
    expect(plainJson(plain)).toBe(plain);
    const boxed: Json = { a: [1, new DynReal(2)], b: 'x' };
    expect(plainJson(boxed)).toEqual({ a: [1, 2], b: 'x' });
    expect((boxed.a as Json[])[1]).toBeInstanceOf(DynReal);
    expect(toJson([new DynReal(1)], 'dynamic')).toEqual([1]);
    expect(toJson(1, 'real')).toBe(1);
    expect(JSON.stringify({ a: new DynReal(1) })).toBe('{"a":1}');
    expect(valueToString([new DynReal(1)], 'dynamic')).toBe('[1]');
  });

  it('keeps one identity per value and kind, and survives coercion into a dynamic column', () => {
    expect(dynamicIdentity([new DynReal(1)])).not.toBe(dynamicIdentity([1]));
    expect(dynamicIdentity([new DynReal(1)])).toBe(dynamicIdentity([new DynReal(1)]));
    const box = new DynReal(1);
    expect(coerce(box, 'dynamic')).toBe(box);
    expect(coerce(box, 'real')).toBe(1);
  });

  it('is unboxed for functions that read numbers out of a dynamic (geo, series, math)', () => {
    const result = runQuery(
      'print a = series_sum(dynamic([1.0, 2.0])), c = array_sum(pack_array(1.0, 2)), ' +
        'b = geo_point_in_polygon(0.5, 0.5, dynamic({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]}))',
      { catalog: emptyCatalog(), tables: new Map(), now: 0n },
    );
    expect(result.rows[0]).toEqual([3, 3, true]);
  });
});
