import { refuseWideDecimal, WideDecimal } from './wideDecimal.js';

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

/**
 * A whole-valued real held in a `dynamic`. Kusto keeps a dynamic's longs and reals apart ("it
 * differentiates between long and real numbers", dynamic data type page) and prints a real there
 * with its fraction (series_fill_const's page: `[111,0.0,36,...]` for the constant 0.0), while a
 * JavaScript number cannot tell 1 from 1.0. So a plain number in a dynamic is a long when whole and
 * a real when it has a fraction, and a whole real is boxed in this class: most code paths, which
 * only meet longs and fractions, stay untouched. `toJSON` gives the number, so JSON.stringify keys
 * (grouping, sets, hashing) see one value for 1 and 1.0, as before the box existed.
 */
export class DynReal {
  /** Calls of toJSON so far: a JSON.stringify that met a box changes it (see dynamicIdentity). */
  static written = 0;
  constructor(readonly value: number) {}
  toJSON(): number {
    DynReal.written++;
    return this.value;
  }
}

/**
 * A whole number JSON text wrote with a fraction or an exponent (`118.0`, `1e3`), from the JSON
 * reader (json-text.ts). Printed as the parse_json page prints one: the text `118.0` parsed shows
 * `{"duration":{"value":118,...}}`, while series_fill_const's page writes a real the query made as
 * `0.0`; so whether Kusto holds such a number as a real or turns it into a long is not settled,
 * and uses that depend on the kind (gettype, bag_unpack's slot type, mv-expand `to typeof(long)`)
 * are refused. Everywhere else it is its number, as a DynReal is (value, comparison, toJSON).
 */
export class JsonWhole extends DynReal {}

/** A JSON value: the runtime form of `dynamic` (a whole real boxed, see DynReal). */
export type Json = null | boolean | number | string | DynReal | Json[] | { [key: string]: Json };

/** A real put in a dynamic: boxed when whole, so it keeps its kind (DynReal). */
export function realInDynamic(n: number): number | DynReal {
  return Number.isInteger(n) ? new DynReal(n) : n;
}

/** The number a dynamic holds (a long, a fraction or a boxed whole real), else undefined. */
export function dynamicNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return v instanceof DynReal ? v.value : undefined;
}

/** A property bag: an object that is neither an array nor a boxed real. */
export function isBag(v: unknown): v is { [key: string]: Json } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof DynReal) return false;
  // A decimal read where a dynamic value is expected (bag_unpack of a decimal column) would be an empty bag.
  if (v instanceof WideDecimal) refuseWideDecimal('a property bag');
  return true;
}

/**
 * Runtime form of a KQL value. Which member is used is decided by the static KqlType:
 * null for every type except string (Kusto strings are never null, they are ''), number for
 * int/long/real/decimal, bigint 100 ns ticks for datetime (since 0001-01-01) and timespan,
 * lower-case string for guid, plain JSON for dynamic.
 */
export type Value = Json | bigint;
