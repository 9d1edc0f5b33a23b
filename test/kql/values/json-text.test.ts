/**
 * The token-aware JSON reader (values/json-text.ts) behind parse_json, extract_json, externaldata's
 * JSON lines and dynamic cells: strict JSON as JSON.parse accepts it (the parse_json page makes any
 * other text the string itself), JSON text's whole reals kept apart (JsonWhole), and refusals where
 * no page settles the value: integers beyond 2^53, a repeated key, nesting past MAX_DEPTH.
 */
import { describe, expect, it } from 'vitest';
import {
  coerce,
  type DynReal,
  dynamicText,
  isBag,
  type Json,
  JsonWhole,
  plainJson,
  readJsonData,
  readJsonText,
  UnsupportedError,
} from '../../../src/kql/values/index.js';
import { MAX_DEPTH } from '../../../src/kql/values/json-text.js';

const read = (text: string) => readJsonText(text, 'parse_json()');

describe('readJsonText', () => {
  it('reads what JSON.parse reads, value for value', () => {
    const texts = [
      '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
      ' [ 1 , -2 , 3.5 , -0.25 , 1.5e-3 , 12E2 ] ',
      '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"',
      '"\\ud800"',
      '{"__proto__":1,"constructor":2,"toString":[]}',
      '{"":0}',
      '9007199254740991',
      '-9007199254740991',
      '0',
      '[[[[]]]]',
      '{}',
      '[]',
      'null',
      '\t\r\n true \n',
    ];
    for (const text of texts) expect(plainJson(read(text) as Json), text).toEqual(JSON.parse(text));
    expect(Object.hasOwn(read('{"__proto__":1}') as object, '__proto__')).toBe(true);
  });

  it('gives undefined for text that is not JSON (parse_json then keeps the string)', () => {
    const invalid = [
      '',
      ' ',
      'abc',
      '{a:1}',
      "{'a':1}",
      '[1,]',
      '{"a":1,}',
      '[1 2]',
      '01',
      '1.',
      '.5',
      '-',
      '+1',
      '1e',
      '1e+',
      'NaN',
      'Infinity',
      '"\u0001"',
      '"a',
      '"\\x"',
      '"\\u12g4"',
      '[1]x',
      '{"a" 1}',
      'tru',
      'nulls',
      '[',
      '{"a":1 /* c */}',
    ];
    for (const text of invalid) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(read(text), text).toBeUndefined();
    }
  });

  it('keeps JSON text whole reals apart from longs, printed as the parse_json page prints them', () => {
    const v = read('{"a":2.0,"b":2,"c":1e3,"d":-0.0,"e":2.5,"f":1.5e1,"g":-0}') as Record<string, Json>;
    expect(v.a).toBeInstanceOf(JsonWhole);
    expect(v.b).toBe(2);
    expect(v.c).toEqual(new JsonWhole(1000));
    expect(v.d).toBeInstanceOf(JsonWhole);
    expect(Object.is((v.d as DynReal).value, -0)).toBe(true);
    expect(v.e).toBe(2.5);
    expect(v.f).toEqual(new JsonWhole(15));
    // An integer token is a long, which has no negative zero.
    expect(Object.is(v.g, 0)).toBe(true);
    expect(isBag(v.a)).toBe(false);
    // parse_json page: the text 118.0 shows as 118 inside the parsed bag.
    expect(dynamicText(read('{"value":118.0,"min":[100.0]}') as Json)).toBe('{"value":118,"min":[100]}');
    expect(JSON.stringify(v.a)).toBe('2');
  });

  it('refuses integers beyond 2^53 and numbers beyond the real range, only in valid text', () => {
    expect(() => read('[9007199254740993]')).toThrow(/beyond 2\^53/);
    expect(() => read('{"a":-12345678901234567890}')).toThrow(/beyond 2\^53/);
    expect(() => read('[1e400]')).toThrow(/beyond the range of a real/);
    expect(read('[9007199254740993')).toBeUndefined();
    expect(read('"12345678901234567890"')).toBe('12345678901234567890');
    // A real token of that size is a real, which holds it as a double does.
    expect(read('[12345678901234567890.0]')).toEqual([new JsonWhole(Number('12345678901234567890'))]);
  });

  it('refuses a repeated key: which value Kusto keeps is not documented', () => {
    expect(() => read('{"a":1,"a":2}')).toThrow(UnsupportedError);
    expect(() => read('{"a":1,"b":{"c":1,"c":1}}')).toThrow(/the key "c" twice/);
    expect(read('{"a":1,"a":2')).toBeUndefined();
    expect(read('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it(`reads nesting up to ${MAX_DEPTH} levels and refuses deeper valid text without exhausting the stack`, () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(read(nested(MAX_DEPTH))).toBeDefined();
    expect(() => read(nested(MAX_DEPTH + 1))).toThrow(/nested deeper than/);
    expect(() => read(nested(100_000))).toThrow(/nested deeper than/);
    expect(read(`${'['.repeat(100_000)}x`)).toBeUndefined();
  });
});

describe('readJsonData and dynamic cells', () => {
  it('reads data as JSON.parse did where the query reader refuses, keeping kinds otherwise', () => {
    expect(readJsonData('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(readJsonData('[2.0]')).toEqual([new JsonWhole(2)]);
    expect(readJsonData('nope')).toBeUndefined();
    expect(coerce('{"a":2.0}', 'dynamic')).toEqual({ a: new JsonWhole(2) });
    expect(coerce('{not json}', 'dynamic')).toBe('{not json}');
  });

  it('converts a JSON whole real into a typed column by its number', () => {
    const two = new JsonWhole(2);
    expect(coerce(two, 'real')).toBe(2);
    expect(coerce(two, 'long')).toBe(2);
    expect(coerce(two, 'bool')).toBe(true);
  });
});
