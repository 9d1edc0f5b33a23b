/**
 * Kusto.Language reads its lists through Bridge.NET's `System.Array.getCount(list, T)` and
 * `getItem(list, index, T)`, which build the interface member's name (`System$Collections$Generic$
 * ICollection$1$<alias of T>$getCount`) by string concatenation on every call: a CPU profile of
 * `validate` put ~15% of binding in these two helpers. The replacements look the same member up by
 * a name built once per element type and otherwise defer to the originals, so every call returns
 * what the original returns (arrays, boxing and the non-generic fallbacks stay the originals' own).
 * The originals stay reachable as `System.Array.$originals` (which also marks the installation).
 */
export function installFastPaths(bridge: any, system: any): void {
  const arrays = system.Array;
  if (arrays.$originals) return;
  const names = new Map<unknown, { count: string; item: string }>();
  const memberNames = (type: unknown) => {
    let found = names.get(type);
    if (!found) {
      const alias = bridge.getTypeAlias(type);
      found = {
        count: `System$Collections$Generic$ICollection$1$${alias}$getCount`,
        item: `System$Collections$Generic$IList$1$${alias}$getItem`,
      };
      names.set(type, found);
    }
    return found;
  };
  const getCount = arrays.getCount;
  const getItem = arrays.getItem;
  arrays.getCount = (list: any, type: unknown) => {
    if (Array.isArray(list)) return list.length;
    if (type) {
      const name = memberNames(type).count;
      if (typeof list[name] === 'function' && !bridge.isArray(list)) return list[name]();
    }
    return getCount(list, type);
  };
  arrays.getItem = (list: any, index: number, type: unknown) => {
    if (type && !Array.isArray(list)) {
      const name = memberNames(type).item;
      if (typeof list[name] === 'function' && !bridge.isArray(list)) return list[name](index);
    }
    return getItem(list, index, type);
  };
  arrays.$originals = { getCount, getItem };
}
