import { binaryOperator, scalarFunctions, unaryOperator } from '../../../src/kql/functions/index.js';
import { type KqlType, parseDateTime, parseTimespan, type Value } from '../../../src/kql/values/index.js';

/** A typed argument; plain JS values get their natural KQL type (integers are long). */
export type Arg = Value | { v: Value; t: KqlType };

export const dt = (s: string): { v: Value; t: KqlType } => ({ v: parseDateTime(s), t: 'datetime' });
export const ts = (s: string): { v: Value; t: KqlType } => ({ v: parseTimespan(s), t: 'timespan' });
export const typed = (v: Value, t: KqlType) => ({ v, t });

function split(args: Arg[]): [Value[], KqlType[]] {
  const values: Value[] = [];
  const types: KqlType[] = [];
  for (const a of args) {
    if (a !== null && typeof a === 'object' && !Array.isArray(a) && 't' in a && 'v' in a) {
      values.push(a.v as Value);
      types.push(a.t as KqlType);
    } else {
      values.push(a as Value);
      types.push(naturalType(a as Value));
    }
  }
  return [values, types];
}

function naturalType(v: Value): KqlType {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  return 'dynamic';
}

export const NOW = parseDateTime('2026-01-10T12:00:00Z') as bigint;

export function fn(name: string, args: Arg[], resultType: KqlType = 'dynamic'): Value {
  const impl = scalarFunctions.get(name);
  if (!impl) throw new Error(`no function ${name}`);
  const [values, types] = split(args);
  return impl(values, types, resultType, { now: NOW });
}

export function op(kind: string, args: Arg[], resultType: KqlType = 'bool'): Value {
  const impl = args.length === 1 ? unaryOperator(kind) : binaryOperator(kind);
  if (!impl) throw new Error(`no operator ${kind}`);
  const [values, types] = split(args);
  return impl(values, types, resultType, { now: NOW });
}
