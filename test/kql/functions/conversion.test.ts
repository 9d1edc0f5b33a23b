import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery } from '../../../src/kql/index.js';
import { dt, fn, ts, typed } from './call.js';

describe('conversions return null on failure', () => {
  it.each([
    ['toint', ['123'], 123],
    ['toint', ['abc'], null],
    ['toint', [2.9], 2],
    ['toint', [-2.9], -2],
    ['tolong', ['3000000000'], 3000000000],
    ['tolong', [ts('1s')], 10_000_000],
    ['todouble', ['123.4'], 123.4],
    ['toreal', ['nope'], null],
    ['todecimal', ['0.25'], 0.25],
    ['tobool', ['true'], true],
    ['tobool', ['FALSE'], false],
    ['tobool', [1], true],
    ['tobool', [0], false],
    ['tobool', ['yes'], null],
    ['toguid', ['0697C07C-8C4B-4D6F-9C97-5C3F6F2E1F33'], '0697c07c-8c4b-4d6f-9c97-5c3f6f2e1f33'],
    ['toguid', ['0697'], null],
    ['totimespan', ['0.00:01:00'], 600_000_000n],
    ['totimespan', ['whenever'], null],
    ['todatetime', ['2015-12-24'], dt('2015-12-24').v],
    ['todatetime', ['invalid'], null],
    ['tostring', [typed(null, 'long')], ''],
    ['tostring', [dt('2026-01-10 12:00')], '2026-01-10T12:00:00.0000000Z'],
    ['tostring', [ts('1h')], '01:00:00'],
    ['tostring', [typed(1e20, 'real')], '1E+20'],
    ['tostring', [typed({ a: 1 }, 'dynamic')], '{"a":1}'],
    ['tostring', [typed(123, 'long')], '123'],
  ])('%s case %#', (name, args, expected) => {
    expect(fn(name, args as never[])).toEqual(expected);
  });
});

describe('number text no page prints a conversion of', () => {
  // The toreal page prints toreal("123.4"), the toint page toint("123"); an exponent is on neither.
  it('todouble of exponent text is refused', () => {
    expect(() => fn('todouble', ['1.5e3'])).toThrow('toreal() of the text "1.5e3"');
  });

  // The totimespan page prints only d.hh:mm:ss text; a literal's unit form is on no page (wrong-answer-hunt-9.yaml).
  it('totimespan of a timespan literal unit form is refused', () => {
    expect(() => fn('totimespan', ['1d'])).toThrow('totimespan() of the text "1d"');
  });
});

describe('logic helpers', () => {
  it('isempty treats the empty string and null as empty; isnull does not see empty strings', () => {
    expect(fn('isempty', [''])).toBe(true);
    expect(fn('isempty', [typed(null, 'long')])).toBe(true);
    expect(fn('isempty', ['x'])).toBe(false);
    expect(fn('isnull', [''])).toBe(false);
    expect(fn('isnotempty', [' '])).toBe(true);
  });

  it('iff/case/coalesce pick branches; a null condition takes the else branch', () => {
    expect(fn('iff', [true, 1, 2])).toBe(1);
    expect(fn('iff', [typed(null, 'bool'), 1, 2])).toBe(2);
    expect(fn('case', [false, 'a', true, 'b', 'c'])).toBe('b');
    expect(fn('case', [false, 'a', 'c'])).toBe('c');
    expect(fn('coalesce', [typed(null, 'long'), 5, 6])).toBe(5);
    expect(fn('coalesce', ['', 'x'])).toBe('x');
    expect(fn('not', [true])).toBe(false);
  });

  it('max_of/min_of ignore nulls', () => {
    expect(fn('max_of', [10, 1, typed(null, 'long'), 5])).toBe(10);
    expect(fn('min_of', [typed(null, 'long'), 3, 2])).toBe(2);
    expect(fn('max_of', [typed(null, 'long'), typed(null, 'long')])).toBeNull();
    expect(fn('max_of', [dt('2020-01-01'), dt('2021-01-01')])).toBe(dt('2021-01-01').v);
  });
});

describe('math', () => {
  // round page (https://learn.microsoft.com/kusto/query/round-function): its examples decide no tie.
  it.each([[[2.5]], [[-2.5]], [[0.125, 2]], [[1.005, 2]], [[25, -1]]])(
    'round(%j) is halfway between two results: refused',
    (args) => {
      expect(() => fn('round', args as never[])).toThrow('halfway');
    },
  );

  it.each([
    ['round', [2.15, 1], 2.2],
    ['round', [1.5], 2],
    ['round', [-1.5], -2],
    ['round', [1234.5678, -2], 1200],
    ['abs', [-5], 5],
    ['ceiling', [1.1], 2],
    ['pow', [2, 10], 1024],
    ['sqrt', [16], 4],
    ['log10', [1000], 3],
    ['sign', [-3], -1],
    ['binary_and', [6, 3], 2],
    ['binary_xor', [6, 3], 5],
    ['binary_not', [0], -1],
    ['binary_shift_left', [1, 40], 2 ** 40],
  ])('%s(%j) == %j', (name, args, expected) => {
    expect(fn(name, args as never[], 'real')).toBeCloseTo(expected as number, 10);
  });

  it('rand() is refused: rule tests must be reproducible', () => {
    expect(() => runQuery('print rand()', { catalog: emptyCatalog(), tables: new Map() })).toThrow(
      'rand() is not supported by the embedded KQL engine: its result is random by design',
    );
  });
});
