/** KQL scalar type names, as written in schemas and `datatable(...)` declarations. */
export type KqlType =
  | 'bool'
  | 'int'
  | 'long'
  | 'real'
  | 'decimal'
  | 'string'
  | 'datetime'
  | 'timespan'
  | 'guid'
  | 'dynamic';

export const kqlTypes: readonly KqlType[] = [
  'bool',
  'int',
  'long',
  'real',
  'decimal',
  'string',
  'datetime',
  'timespan',
  'guid',
  'dynamic',
];

/**
 * Sets an own property even for keys like `__proto__`, which a plain assignment would turn into a
 * prototype change (and lose the key) when building bags from user data.
 */
export function setOwn(bag: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(bag, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A JSON value: the runtime form of `dynamic`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Runtime form of a KQL value. Which member is used is decided by the static KqlType:
 * null for every type except string (Kusto strings are never null, they are ''), number for
 * int/long/real/decimal, bigint 100 ns ticks for datetime (since 0001-01-01) and timespan,
 * lower-case string for guid, plain JSON for dynamic.
 */
export type Value = Json | bigint;
