import { describe, expect, it } from 'vitest';
import { kusto } from '../../../src/kql/syntax/kusto.js';

// Int64.Equals(Object) "always returns false if its obj argument is not an Int64 value"
// (https://learn.microsoft.com/dotnet/api/system.int64.equals); Bridge's translation read `null.low`.
describe('Bridge.NET runtime corrections', () => {
  it('Int64.Equals(null) is false, as in .NET, and equal values still compare equal', () => {
    kusto();
    const system = (globalThis as any).System;
    const value = system.Int64(443);
    expect(value.equals(null)).toBe(false);
    expect(value.equals(system.Int64(443))).toBe(true);
    expect(value.equals(system.Int64(444))).toBe(false);
  });

  // UInt64.Equals(Object): "true if obj is an instance of UInt64 and equals the value of this
  // instance; otherwise, false" (https://learn.microsoft.com/dotnet/api/system.uint64.equals).
  it('UInt64.Equals(null) is false, as in .NET', () => {
    kusto();
    const system = (globalThis as any).System;
    expect(system.UInt64(5).equals(null)).toBe(false);
    expect(system.UInt64(5).equals(system.UInt64(5))).toBe(true);
  });
});
