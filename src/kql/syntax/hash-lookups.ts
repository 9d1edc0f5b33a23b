const EQUALITY = 'System$Collections$Generic$IEqualityComparer$1$';
const GET_HASH_CODE = `${EQUALITY}getHashCode2`;
const EQUALS = `${EQUALITY}equals2`;

/**
 * Bridge.NET's `Dictionary<TKey, TValue>.FindEntry` (behind TryGetValue, ContainsKey and the
 * indexer) and `HashSet<T>.InternalGetHashCode` (behind Contains and Add), for keys other than
 * strings and numbers (symbols, syntax nodes, types: the binder's caches), reach the comparer's
 * method through `Bridge.geti(comparer, "System$Collections$Generic$IEqualityComparer$1$" +
 * Bridge.getTypeAlias(T) + "$getHashCode2", ...)`: a name concatenated on every call, which V8 then
 * looks up as a new property key, and HashSet's mask through the generic type lookup
 * `HashSet$1(T)` (~2% of a `validate` thread). `getTypeAlias(T)` is fixed once T is defined (it is
 * cached on the type), so these are the same steps with the names built once per instantiation.
 */
export function hashLookups(
  bridge: any,
  system: any,
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
  onInstantiation: (generic: object, install: (type: any) => void) => void,
): void {
  const { Dictionary$2, HashSet$1 } = system.Collections.Generic;
  const index = system.Array.index;
  const namesOf = (type: any) => {
    const alias = bridge.getTypeAlias(type.$typeArguments[0]);
    return { hash: `${EQUALITY}${alias}$getHashCode2`, equals: `${EQUALITY}${alias}$equals2` };
  };
  const owns = (type: any, name: string) =>
    typeof type?.prototype === 'object' && Object.hasOwn(type.prototype, name) && type.$typeArguments;

  onInstantiation(Dictionary$2, (type) => {
    if (!owns(type, 'FindEntry')) return;
    const names = namesOf(type);
    const findEntry = type.prototype.FindEntry;
    replace(type.prototype, 'FindEntry', {
      value(this: any, key: any): number {
        // String and number keys (`isSimpleKey`) live in a plain object: the original's own path.
        if (key == null || this.isSimpleKey) return findEntry.call(this, key);
        if (this.buckets == null) return -1;
        const hash = this.comparer[bridge.geti(this.comparer, names.hash, GET_HASH_CODE)](key) & 2147483647;
        for (
          let i = this.buckets[index(hash % this.buckets.length, this.buckets)];
          i >= 0;
          i = this.entries[index(i, this.entries)].next
        ) {
          const entry = this.entries[index(i, this.entries)];
          if (
            entry.hashCode === hash &&
            this.comparer[bridge.geti(this.comparer, names.equals, EQUALS)](entry.key, key)
          )
            return i;
        }
        return -1;
      },
    });
  });

  onInstantiation(HashSet$1, (type) => {
    if (!owns(type, 'InternalGetHashCode')) return;
    const names = namesOf(type);
    replace(type.prototype, 'InternalGetHashCode', {
      value(this: any, item: any): number {
        // `type` is what `HashSet$1(T)` answers for this instantiation; its static mask is read at
        // the call, as the original does, since static fields are assigned when it initializes.
        return item == null
          ? 0
          : this._comparer[bridge.geti(this._comparer, names.hash, GET_HASH_CODE)](item) &
              type.Lower31BitMask;
      },
    });
  });
}
