/**
 * Bridge.NET runtime methods whose translation differs from the .NET method Kusto.Language's C#
 * was written against, where the difference crashes Kusto.Language. Each is corrected to the .NET
 * documented behaviour.
 *
 * `Int64.Equals(Object)` "always returns false if its obj argument is not an Int64 value"
 * (https://learn.microsoft.com/dotnet/api/system.int64.equals). Bridge's `System.Int64.prototype.equals`
 * reads `null.low` instead. The binder's call-site expansion cache compares a call's constant
 * arguments with those of calls bound before in the same global state: a parser called with
 * `dstportnumber=443` after a call that left it `int(null)` (ASIM's `_Im_NetworkSession` parameter)
 * threw "Cannot read properties of null (reading 'low')" instead of binding.
 */
export function installBridgeCorrections(system: any): void {
  const int64 = system.Int64?.prototype;
  if (!int64 || int64.$nullSafeEquals) return;
  const equals = int64.equals;
  int64.equals = function (this: unknown, other: unknown): boolean {
    return other === null || other === undefined ? false : equals.call(this, other);
  };
  int64.$nullSafeEquals = true;
}
