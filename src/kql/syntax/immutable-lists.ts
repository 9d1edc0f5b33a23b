/**
 * Kusto.Language keeps symbol lists (a table's columns, a signature's parameters, ...) in
 * `SafeList<T>`, which it treats as immutable (ListExtensions.cs: "SafeList is immutable"; its view,
 * `_length` items of `_list`, never changes, and adding makes a new SafeList). Every `where`,
 * `take`, ... makes a new table symbol from the previous one's columns: `ToReadOnly` hands the same
 * SafeList back after two interface type tests through generic type lookups, and the table's
 * constructor then checks each of its ~80 columns for null again. Both answers depend only on the
 * list, so: `ToReadOnly` of a SafeList or List of exactly `T` answers as the original's own steps
 * would without the type tests, and a SafeList that passed the null check once passes it again.
 * (A list without nulls passes for any `T`: `getItem` boxes only non-null values.)
 */
export function shareImmutableLists(
  system: any,
  kusto: any,
  replace: (owner: object, name: string, fast: PropertyDescriptor) => void,
): void {
  const { ListExtensions, ArgumentCheckers, SafeList$1, EmptyReadOnlyList$1 } = kusto.Utils;
  const toReadOnly = ListExtensions.ToReadOnly;
  const classes = new Map<unknown, { safe: any; list: any }>();
  replace(ListExtensions, 'ToReadOnly', {
    value(this: unknown, T: any, list: any) {
      if (list != null) {
        let of = classes.get(T);
        if (!of) {
          of = { safe: SafeList$1(T), list: system.Collections.Generic.List$1(T) };
          classes.set(T, of);
        }
        // Both are IReadOnlyList<T>, neither is the empty list's class.
        const type = list.constructor;
        if (type === of.safe || type === of.list) {
          if (system.Array.getCount(list, T) === 0) return EmptyReadOnlyList$1(T).Instance;
          return type === of.safe ? list : new of.safe.ctor(list);
        }
      }
      return toReadOnly.call(this, T, list);
    },
  });

  const checkElements = ArgumentCheckers.CheckArgumentNullOrElementNull;
  const withoutNulls = new WeakSet<object>();
  replace(ArgumentCheckers, 'CheckArgumentNullOrElementNull', {
    value(this: unknown, T: any, list: any, parameterName: string) {
      if (list != null && withoutNulls.has(list)) return list;
      const checked = checkElements.call(this, T, list, parameterName);
      if (list.constructor?.$genericTypeDefinition === SafeList$1) withoutNulls.add(list);
      return checked;
    },
  });
}
