import { describe, expect, it } from 'vitest';
import { dynamicElement } from '../../../src/kql/functions/index.js';
import { dt, fn, typed } from './call.js';

const d = (v: unknown) => typed(v as never, 'dynamic');

describe('parse_json', () => {
  it('parses JSON text and keeps invalid JSON as a dynamic string', () => {
    expect(fn('parse_json', ['{"a":[1,{"b":2}]}'])).toEqual({ a: [1, { b: 2 }] });
    expect(fn('parse_json', ['not json'])).toBe('not json');
    expect(fn('todynamic', ['17'])).toBe(17);
    expect(fn('parse_json', [''])).toBeNull();
  });
});

describe('element access', () => {
  it('indexes arrays (negative from the end) and bags; misses are null', () => {
    expect(dynamicElement([1, 2, 3], -1)).toBe(3);
    expect(dynamicElement([1, 2, 3], 5)).toBeNull();
    expect(dynamicElement({ a: 1 }, 'a')).toBe(1);
    expect(dynamicElement({ a: 1 }, 'b')).toBeNull();
    expect(dynamicElement('text', 0)).toBeNull();
  });
});

describe('array functions (doc examples)', () => {
  it.each([
    ['array_length', [d([1, 2, 3])], 3],
    ['array_length', [d({ a: 1 })], null],
    ['array_concat', [d([1, 2]), d([3])], [1, 2, 3]],
    ['array_slice', [d([1, 2, 3]), 1, 2], [2, 3]],
    ['array_slice', [d([1, 2, 3, 4, 5]), -3, -2], [3, 4]],
    ['array_slice', [d([1, 2, 3, 4, 5]), 2], [3, 4, 5]],
    ['array_index_of', [d([1, 2, 3, 4]), 2], 1],
    ['array_index_of', [d(['a', 'b']), 'c'], -1],
    ['array_index_of', [d([1, 2, 3, 1, 2]), 2, 0, -1, 2], 4],
    ['array_reverse', [d([1, 2, 3])], [3, 2, 1]],
    ['array_sort_asc', [d([5, 3, null, 1])], [1, 3, 5, null]],
    ['array_sort_asc', [d([5, 3, null, 1]), false], [null, 1, 3, 5]],
    ['array_sort_desc', [d(['b', 'a', 'c'])], ['c', 'b', 'a']],
    ['array_sum', [d([1, 2, 3.5])], 6.5],
    ['array_shift_left', [d([1, 2, 3, 4, 5]), 2], [3, 4, 5, null, null]],
    ['array_shift_left', [d([1, 2, 3, 4, 5]), -2, -1], [-1, -1, 1, 2, 3]],
    ['array_shift_right', [d([1, 2, 3, 4, 5]), 2], [null, null, 1, 2, 3]],
    ['array_rotate_left', [d([1, 2, 3, 4, 5]), 2], [3, 4, 5, 1, 2]],
    ['array_rotate_right', [d([1, 2, 3, 4, 5]), 2], [4, 5, 1, 2, 3]],
    ['set_union', [d([1, 2, 3]), d([1, 2, 4])], [1, 2, 3, 4]],
    ['set_intersect', [d([1, 2, 3]), d([1, 2, 4])], [1, 2]],
    ['set_difference', [d([1, 2, 3]), d([1, 2, 4])], [3]],
    ['set_has_element', [d(['this', 'is', 'an', 'example']), 'example'], true],
    ['set_has_element', [d([1, 2, 3]), 4], false],
    [
      'zip',
      [d([1, 3, 5]), d([2, 4, 6])],
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ],
    [
      'zip',
      [d(['A', 'B']), d([1])],
      [
        ['A', 1],
        ['B', null],
      ],
    ],
    ['pack_array', [1, 'x', dt('2026-01-10')], [1, 'x', '2026-01-10T00:00:00.0000000Z']],
  ])('%s case %#', (name, args, expected) => {
    expect(fn(name, args as never[])).toEqual(expected);
  });

  it('array_sort_asc sorts several arrays by the first', () => {
    expect(fn('array_sort_asc', [d([3, 1, 2]), d(['c', 'a', 'b'])])).toEqual([
      [1, 2, 3],
      ['a', 'b', 'c'],
    ]);
  });
});

describe('bag functions', () => {
  it('bag_keys, bag_merge (first wins), bag_remove_keys, pack', () => {
    expect(fn('bag_keys', [d({ a: 1, b: { c: 2 } })])).toEqual(['a', 'b']);
    expect(fn('bag_merge', [d({ a: 1, b: 2 }), d({ b: 3, c: 4 })])).toEqual({ a: 1, b: 2, c: 4 });
    expect(fn('bag_remove_keys', [d({ key1: 1, key2: 2, key3: 3 }), d(['key2', 'key4'])])).toEqual({
      key1: 1,
      key3: 3,
    });
    expect(fn('bag_remove_keys', [d({ k: { a: 1, b: 2 } }), d(['$.k.a'])])).toEqual({ k: { b: 2 } });
    expect(fn('pack', ['key1', 'value1', 'key2', 2])).toEqual({ key1: 'value1', key2: 2 });
    expect(fn('bag_pack', ['t', dt('2026-01-10')])).toEqual({ t: '2026-01-10T00:00:00.0000000Z' });
    expect(fn('bag_has_key', [d({ a: 1 }), 'a'])).toBe(true);
  });

  it('gettype names dynamic content', () => {
    expect(fn('gettype', [d([1])])).toBe('array');
    expect(fn('gettype', [d({})])).toBe('dictionary');
    expect(fn('gettype', [d(null)])).toBe('null');
    expect(fn('gettype', ['x'])).toBe('string');
    expect(fn('gettype', [dt('2026-01-10')])).toBe('datetime');
  });
});

it('keys named __proto__ stay ordinary keys in bags built from data', () => {
  const bag = fn('pack', ['__proto__', 1]) as Record<string, unknown>;
  expect(Object.keys(bag)).toEqual(['__proto__']);
  const url = fn('parse_url', ['https://h/p?__proto__=x']) as Record<string, Record<string, unknown>>;
  expect(Object.keys(url['Query Parameters'])).toEqual(['__proto__']);
});
