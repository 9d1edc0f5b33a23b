/**
 * Bridge.NET runtime methods whose translation differs from the .NET method Kusto.Language's C#
 * was written against, where the difference crashes Kusto.Language. Each is corrected to the .NET
 * documented behaviour.
 *
 * `Int64.Equals(Object)` "always returns false if its obj argument is not an Int64 value"
 * (https://learn.microsoft.com/dotnet/api/system.int64.equals), and `UInt64.Equals(Object)` is true
 * only "if obj is an instance of UInt64 and equals the value of this instance"
 * (https://learn.microsoft.com/dotnet/api/system.uint64.equals). Bridge's `equals` of both reads
 * `null.low` instead. The binder's call-site expansion cache compares a call's constant arguments
 * with those of calls bound before in the same global state: a parser called with
 * `dstportnumber=443` after a call that left it `int(null)` (ASIM's `_Im_NetworkSession` parameter)
 * threw "Cannot read properties of null (reading 'low')" instead of binding.
 */
export function installBridgeCorrections(system: any): void {
  for (const type of [system.Int64, system.UInt64]) {
    const prototype = type?.prototype;
    if (!prototype || prototype.$nullSafeEquals) continue;
    const equals = prototype.equals;
    prototype.equals = function (this: unknown, other: unknown): boolean {
      return other === null || other === undefined ? false : equals.call(this, other);
    };
    prototype.$nullSafeEquals = true;
  }
}
