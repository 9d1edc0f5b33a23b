import type { KqlType } from '../../../src/kql/values/index.js';

/** Whether a runtime value (values/types.ts) is one a column of the type can hold. */
export function fits(v: unknown, type: KqlType): boolean {
  if (v === null) return type !== 'string';
  switch (type) {
    case 'bool':
      return typeof v === 'boolean';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
    case 'long':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'real':
      return typeof v === 'number';
    case 'decimal':
      // SqlDecimal (the decimal page's representation) holds at most 38 digits.
      return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e38;
    case 'string':
      return typeof v === 'string';
    case 'datetime':
      return typeof v === 'bigint' && v >= 0n && v <= 3155378975999999999n;
    case 'timespan':
      return typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n;
    case 'guid':
      return typeof v === 'string' && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(v);
    case 'dynamic':
      return isJson(v);
  }
}

function isJson(v: unknown): boolean {
  if (v === null || ['boolean', 'string', 'number'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(isJson);
  return typeof v === 'object' && Object.values(v as object).every(isJson);
}
