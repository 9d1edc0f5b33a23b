import { describe, expect, it } from 'vitest';
import { installFastPaths } from '../../../src/kql/syntax/bridge-fast-paths.js';
import { kusto } from '../../../src/kql/syntax/kusto.js';

describe('Bridge.NET list fast paths', () => {
  it('count and index lists, arrays and value-type lists as the original helpers do', () => {
    const K = kusto();
    const { System, Bridge } = globalThis as any;
    const { getCount, getItem } = System.Array;
    const original = System.Array.$originals;
    const ints = new (System.Collections.Generic.List$1(System.Int32).ctor)();
    ints.add(7);
    ints.add(9);
    const cases: [unknown, unknown][] = [
      [ints, System.Int32],
      [ints.AsReadOnly(), System.Int32],
      [Bridge.toArray(ints), System.Int32],
      [['x', 'y'], System.String],
      [K.GlobalState.Default.Functions, K.Symbols.FunctionSymbol],
      [K.GlobalState.Default.Functions, null],
    ];
    for (const [list, type] of cases) {
      const count = getCount(list, type);
      expect(count).toBe(original.getCount(list, type));
      expect(count).toBeGreaterThan(0);
      for (let i = 0; i < count; i++) expect(getItem(list, i, type)).toBe(original.getItem(list, i, type));
    }
    installFastPaths(Bridge, System);
    expect(System.Array.getCount).toBe(getCount);
  });
});
