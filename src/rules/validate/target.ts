import type { ColumnSchema } from '../../kql/catalog.js';
import type { AnalyticsRule, HuntingQuery } from '../model.js';
import type { YamlSource } from '../source.js';
import { didYouMean } from '../suggest.js';

/** A rule or hunting query that loaded, with what the checks need to position their findings. */
export interface CheckTarget<T extends AnalyticsRule | HuntingQuery = AnalyticsRule | HuntingQuery> {
  rule: T;
  source: YamlSource;
  /** Result columns of the query, by name; absent when the query did not bind cleanly. */
  columns?: ReadonlyMap<string, ColumnSchema>;
}

/** Diagnostic for a column reference that is not in the query result. */
export function missingColumnMessage(
  what: string,
  column: string,
  columns: ReadonlyMap<string, ColumnSchema>,
): string {
  const names = [...columns.keys()];
  const listed =
    names.length > MAX_LISTED
      ? [...names.slice(0, MAX_LISTED), `… ${names.length - MAX_LISTED} more`]
      : names;
  return (
    `${what} '${column}' is not a column of the query result${didYouMean(column, names)} ` +
    `(the query returns: ${listed.join(', ')})`
  );
}

/** Enough result columns to find the intended one; a `project`-less query can return hundreds. */
const MAX_LISTED = 40;
