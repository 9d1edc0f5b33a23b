/**
 * Columns Kusto.Language 12.4.1 loses when it binds a union. Kusto returns, for kind=outer, "one
 * column for each name and type occurrences … suffixed with a '_' followed by the origin column type"
 * (https://learn.microsoft.com/kusto/query/union-operator, "columns with the same name and different
 * types"). Kusto.Language builds that from a `ColumnMap` (Binder/ColumnMap.cs), whose `Add` keeps two
 * or more same-typed columns of one name in a list and, when a column of another type comes next,
 * builds the by-type dictionary without storing it: that column is lost, and the name stays one
 * unsuffixed column of the list's type. Legs giving `x` as string, string, int bind as `x:string`
 * where Kusto returns `x_string` and `x_int`; string, int, string binds right (`x_string`, `x_int`).
 * ASIM's imProcess meets it: two SecurityEvent legs give EventRecordId as string, Linux Sysmon's as int.
 */
import type { Column } from '../plan/types.js';
import type { KqlType } from '../values/index.js';

type Entry = { kind: 'one' | 'list'; type: KqlType } | { kind: 'types'; types: Set<KqlType> };

/** For each column name: the types of the columns ColumnMap drops, in the legs' column order. */
export function columnMapLosses(legs: readonly (readonly Column[])[]): Map<string, Set<KqlType>> {
  const entries = new Map<string, Entry>();
  const lost = new Map<string, Set<KqlType>>();
  for (const leg of legs)
    for (const { name, type } of leg) {
      const entry = entries.get(name);
      if (!entry) entries.set(name, { kind: 'one', type });
      else if (entry.kind === 'types') entry.types.add(type);
      else if (entry.type === type) entry.kind = 'list';
      else if (entry.kind === 'one') entries.set(name, { kind: 'types', types: new Set([entry.type, type]) });
      else {
        const types = lost.get(name) ?? new Set<KqlType>();
        lost.set(name, types.add(type));
      }
    }
  return lost;
}
