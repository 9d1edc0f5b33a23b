import { type KqlType, type Value, WideDecimal } from '../values/index.js';

/**
 * A Map key that is equal exactly when the values are equal under Kusto grouping: bigint and
 * string keys are used as they are; dynamic values by their JSON text.
 */
export function keyOf(value: Value, type: KqlType): unknown {
  if (value === null || typeof value !== 'object') return value;
  // A decimal a double cannot hold (values/wideDecimal.ts): by its digits, as a bigint, which no number
  // of a decimal column equals (the engine holds a number only where it is the decimal's exact value).
  if (value instanceof WideDecimal) return value.digits;
  return type === 'dynamic' ? JSON.stringify(value) : value;
}

/** One string for several key values; the separator cannot occur in JSON or number text. */
export function compositeKey(values: Value[], types: KqlType[]): string {
  let out = '';
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    out +=
      v === null
        ? '\u0001'
        : typeof v !== 'object' && types[k] !== 'dynamic'
          ? String(v)
          : v instanceof WideDecimal
            ? v.digits.toString()
            : JSON.stringify(v);
    out += '\u0000';
  }
  return out;
}
