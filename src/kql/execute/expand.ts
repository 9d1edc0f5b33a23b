import { RE2JS } from 're2js';
import { compileRegex } from '../functions/regex.js';
import { evaluationError, positioned, UnsupportedError } from '../plan/errors.js';
import type { Column, MvExpandItem, Plan, SameAs, Span } from '../plan/types.js';
import {
  coerce,
  convertInQuery,
  DynReal,
  dynamicNumber,
  isBag,
  type Json,
  JsonWhole,
  type KqlType,
  NON_FINITE_TEXT,
  type Value,
} from '../values/index.js';
import { columnReader, emptyValue, type Frame, lazyColumns } from './frame.js';
import { keyOf } from './keys.js';
import { extractKeyValues } from './parseKv.js';
import { compileScalar, type Env, type RowFn } from './scalar.js';

/**
 * Elements an mv-expand value yields: array items; one single-entry bag (or [key, value] pair with
 * bagexpansion=array) per property; null yields one null row; [] and {} yield no rows (mv-expand doc).
 */
function elementsOf(value: Value, bagExpansion: 'bag' | 'array'): Json[] {
  if (Array.isArray(value)) return value;
  if (isBag(value)) {
    return Object.entries(value).map(([k, v]) => (bagExpansion === 'bag' ? { [k]: v } : [k, v]));
  }
  return [value as Json];
}

/** A typed capture's conversion, its refusal positioned at the operator. */
function convertAt(input: unknown, type: KqlType, construct: string, span: Span): Value {
  try {
    return convertInQuery(input, type, construct);
  } catch (error) {
    throw positioned(error, span, construct);
  }
}

/** `to typeof(T)` casts without parsing: elements of another kind become null. */
function castElement(element: Json, item: MvExpandItem): Value {
  const type = item.type;
  switch (type) {
    case 'dynamic':
      return element;
    case 'int':
    case 'long':
      // JSON text's `2.0`: null if Kusto holds a real there, 2 if a long; not settled (JsonWhole).
      if (element instanceof JsonWhole)
        throw new UnsupportedError(
          `mv-expand to typeof(${type})`,
          item.span ?? { start: 0, length: 0 },
          `mv-expand to typeof(${type}) of ${element.value}, which JSON text wrote as a real (such as ${element.value}.0): whether Kusto holds it as a real (the cast gives null) or a long is not settled; refusing rather than guessing`,
        );
      return typeof element === 'number' && Number.isInteger(element)
        ? convertAt(element, type, `mv-expand to typeof(${type})`, item.span ?? { start: 0, length: 0 })
        : null;
    case 'real':
    case 'decimal':
      if (typeof element === 'string' && NON_FINITE_TEXT.has(element))
        throw new UnsupportedError(
          `mv-expand to typeof(${type})`,
          item.span ?? { start: 0, length: 0 },
          `mv-expand to typeof(${type}) of the element "${element}": whether the cast reads this text as the non-finite real or gives null, as for other strings, is not documented`,
        );
      return dynamicNumber(element) ?? null;
    case 'bool':
      return typeof element === 'boolean' ? element : null;
    default:
      return coerce(element, type);
  }
}

interface Expansion {
  /** Input row of each output row. */
  rows: number[];
  /** Per item, the element value of each output row. */
  values: Value[][];
  indexes: number[];
}

function expand(
  items: MvExpandItem[],
  frame: Frame,
  env: Env,
  bagExpansion: 'bag' | 'array',
  limit = Number.POSITIVE_INFINITY,
): Expansion {
  const fns: RowFn[] = items.map((item) => compileScalar(item.expr, frame, env));
  const result: Expansion = { rows: [], values: items.map(() => []), indexes: [] };
  for (let i = 0; i < frame.length; i++) {
    const lists = fns.map((f) => elementsOf(f(i), bagExpansion));
    const count = Math.min(limit, Math.max(...lists.map((l) => l.length)));
    for (let j = 0; j < count; j++) {
      result.rows.push(i);
      result.indexes.push(j);
      lists.forEach((l, k) => {
        result.values[k].push(j < l.length ? castElement(l[j], items[k]) : emptyValue(items[k].type));
      });
    }
  }
  return result;
}

function repeat(column: Value[], rows: number[]): Value[] {
  return rows.map((r) => column[r]);
}

export function executeMvExpand(plan: Extract<Plan, { op: 'mv-expand' }>, input: Frame, env: Env): Frame {
  const { rows, values, indexes } = expand(plan.items, input, env, plan.bagExpansion, plan.limit);
  const sources: (() => Value[])[] = input.schema.map((_, c) => {
    const k = plan.items.findIndex((item) => item.replaces === c);
    return k >= 0 ? () => values[k] : () => repeat(input.columns[c], rows);
  });
  plan.items.forEach((item, k) => {
    if (item.replaces === undefined) sources.push(() => values[k]);
  });
  if (plan.itemIndex) sources.push(() => indexes);
  const columns = lazyColumns(sources.length, (c) => sources[c]());
  return { schema: plan.schema, columns, length: rows.length };
}

export function executeMvApply(
  plan: Extract<Plan, { op: 'mv-apply' }>,
  input: Frame,
  env: Env,
  runSubquery: (subquery: Plan, applyFrame: Frame) => Frame,
): Frame {
  const { rows, values, indexes } = expand(plan.items, input, env, 'bag', plan.limit);
  // Each subtable holds the record's other columns (repeated), then the expanded values and index.
  const applyValues: (() => Value[])[] = [
    ...plan.passThrough.map((c) => () => repeat(input.columns[c], rows)),
    ...values.map((v) => () => v),
    ...(plan.itemIndex ? [() => indexes] : []),
  ];
  const applySchema = plan.subquery.applySchema;
  const full = lazyColumns(applyValues.length, (c) => applyValues[c]());
  const columns: Value[][] = plan.schema.map(() => []);
  let length = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    let end = start;
    while (end < rows.length && rows[end] === i) end++;
    const applyFrame: Frame = {
      schema: applySchema,
      columns: full.map((v) => v.slice(start, end)),
      length: end - start,
    };
    start = end;
    const out = runSubquery(plan.subquery.plan, applyFrame);
    for (let r = 0; r < out.length; r++) {
      for (const [k, c] of plan.passThrough.entries()) columns[k].push(input.columns[c][i]);
      for (const [k, c] of plan.subquery.appended.entries())
        columns[plan.passThrough.length + k].push(out.columns[c][r]);
    }
    length += out.length;
  }
  return { schema: plan.schema, columns, length };
}

const CAPTURE: Partial<Record<KqlType, string>> = {
  int: '(-?\\d+)',
  long: '(-?\\d+)',
  real: '(-?\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)',
  decimal: '(-?\\d+(?:\\.\\d*)?)',
};
// The texts tostring() gives a non-finite real: whether a typed real capture takes them is not documented.
const CAPTURE_NON_FINITE = {
  ...CAPTURE,
  real: `(${CAPTURE.real?.slice(1, -1)}|NaN|-?Infinity)`,
};

/**
 * A typed real column that fails only on NaN/Infinity text: the parse page does not say whether a
 * typed capture takes it (toreal("NaN") is NaN; the engine's number pattern gives no match and so
 * null), so such an input is refused. Found by the differential pair parse p:real vs the value.
 */
function nonFiniteRealCheck(plan: Extract<Plan, { op: 'parse' }>): ((text: string) => void) | undefined {
  if (plan.mode === 'relaxed' || !plan.parts.some((p) => p.kind === 'column' && p.type === 'real')) return;
  const { regex } = parseRegex(plan, CAPTURE_NON_FINITE);
  return (text) => {
    if (regex.exec(text) !== null)
      throw new UnsupportedError(
        'parse with a typed real column',
        plan.span,
        'parse with a typed real column over NaN or Infinity text: the docs do not say whether the column takes it (as toreal() does) or the match fails',
      );
  };
}

/**
 * The regex a parse pattern stands for, and the group each column reads. In regex mode a string
 * column is greedy (`U` makes it lazy) and a text piece is a regex whose own groups shift the
 * columns' group numbers (parse operator doc, "Regex mode" and its examples).
 */
function parseRegex(
  plan: Extract<Plan, { op: 'parse' }>,
  capture: Partial<Record<KqlType, string>> = CAPTURE,
): { regex: RE2JS; groups: number[] } {
  const regexMode = plan.mode === 'regex';
  let pattern = '^';
  let group = 0;
  const groups: number[] = [];
  plan.parts.forEach((part, k) => {
    const last = k === plan.parts.length - 1;
    if (part.kind === 'text') {
      if (part.text === '*') pattern += '.*?';
      else if (regexMode) {
        pattern += `(?:${part.text})`;
        group += compileRegex(part.text, 0).groupCount();
      } else pattern += RE2JS.quote(part.text);
    } else {
      // Relaxed mode prefers the typed form but falls back to any text, so that one bad value nulls
      // only its own column.
      const typed = capture[part.type];
      const loose = last || regexMode ? '(.*)' : '(.*?)';
      pattern += typed ? (plan.mode === 'relaxed' ? `(${typed.slice(1, -1)}|.*?)` : typed) : loose;
      groups.push(++group);
    }
  });
  let flags = regexMode ? 0 : RE2JS.DOTALL;
  for (const f of plan.regexFlags) {
    if (f === 'i') flags |= RE2JS.CASE_INSENSITIVE;
    else if (f === 's') flags |= RE2JS.DOTALL;
    else if (f === 'm') flags |= RE2JS.MULTILINE;
    else if (f === 'U') pattern = `(?U)${pattern}`;
  }
  return { regex: compileRegex(pattern, flags), groups };
}

/** parse / parse-where: simple mode nulls every column when any fails to convert; relaxed only that column. */
export function executeParse(plan: Extract<Plan, { op: 'parse' }>, input: Frame, env: Env): Frame {
  let regex: RE2JS;
  let groups: number[];
  try {
    ({ regex, groups } = parseRegex(plan));
  } catch (error) {
    throw evaluationError(`invalid parse pattern: ${(error as Error).message}`, plan.span);
  }
  const refuseNonFinite = nonFiniteRealCheck(plan);
  const source = compileScalar(plan.source, input, env);
  const targets = plan.parts
    .filter((p) => p.kind === 'column')
    .map((p) => plan.schema.findIndex((c) => c.name === p.name));
  const extracted: Value[][] = targets.map(() => new Array(input.length));
  const keep: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const text = source(i);
    const subject = typeof text === 'string' ? text : text === null ? '' : String(text);
    const m = regex.exec(subject);
    if (m === null) refuseNonFinite?.(subject);
    let ok = m !== null;
    const values = targets.map((t, k) => {
      if (!m) return emptyValue(plan.schema[t].type);
      const raw = m[groups[k]] ?? null;
      const v = convertAt(
        raw,
        plan.schema[t].type,
        `a parse capture typed ${plan.schema[t].type}`,
        plan.span,
      );
      if (raw !== null && v === null) ok = false;
      return v;
    });
    if (!ok && plan.mode !== 'relaxed')
      for (let k = 0; k < values.length; k++) values[k] = emptyValue(plan.schema[targets[k]].type);
    if (plan.where && !ok) continue;
    keep.push(i);
    for (let k = 0; k < values.length; k++) extracted[k][i] = values[k];
  }
  refuseUnlikeSameAs(plan, input, (c) => extracted[targets.indexOf(c)], keep);
  const columns = plan.schema.map((_, c) => {
    const k = targets.indexOf(c);
    const col = k >= 0 ? extracted[k] : input.columns[c];
    return plan.where ? keep.map((i) => col[i]) : col;
  });
  return { schema: plan.schema, columns, length: plan.where ? keep.length : input.length };
}

export function executeParseKv(plan: Extract<Plan, { op: 'parse-kv' }>, input: Frame, env: Env): Frame {
  const source = compileScalar(plan.source, input, env);
  const added: Value[][] = plan.keys.map(() => new Array(input.length));
  for (let i = 0; i < input.length; i++) {
    const found = extractKeyValues(String(source(i) ?? ''), plan.mode, plan.span);
    plan.keys.forEach((k, c) => {
      added[c][i] = coerce(found.get(k.name) ?? null, k.type);
    });
  }
  const width = input.schema.length;
  refuseUnlikeSameAs(plan, input, (c) => added[c - width]);
  const columns = lazyColumns(width + added.length, (c) => (c < width ? input.columns[c] : added[c - width]));
  return { schema: plan.schema, columns, length: input.length };
}

/**
 * A parsed column named like an input column whose value the query observes answers only when it
 * equals the input's column on every row the operator keeps (`rows`, else all): then keeping the
 * input's column (Kusto.Language) and replacing it give one answer (lower/expand.ts, intoExistingColumns).
 */
function refuseUnlikeSameAs(
  plan: { sameAs: SameAs[]; span: Span; schema: Column[] },
  input: Frame,
  parsed: (column: number) => Value[],
  rows?: readonly number[],
): void {
  for (const { column, input: from } of plan.sameAs) {
    const values = parsed(column);
    const existing = columnReader(input, from);
    const { name, type } = plan.schema[from];
    const count = rows ? rows.length : input.length;
    for (let r = 0; r < count; r++) {
      const i = rows ? rows[r] : r;
      if (!Object.is(keyOf(values[i], type), keyOf(existing(i), type)))
        throw new UnsupportedError(
          'parse into an existing column',
          plan.span,
          `a row parses '${name}' to another value than the input's '${name}' holds; which of the two Kusto ` +
            `keeps under that name is not documented (parse operator page), and the query reads it`,
        );
    }
  }
}

/** A slot's type: the JSON value's own type; arrays and bags stay dynamic. */
function slotType(v: Json, key: string, span: Span): KqlType {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  if (v instanceof JsonWhole)
    throw new UnsupportedError(
      'bag_unpack of a whole number JSON text wrote with a fraction',
      span,
      `bag_unpack: the slot '${key}' holds ${v.value}, which JSON text wrote as a real (such as ${v.value}.0); the parse_json page prints such a number as ${v.value}, as a long prints, so whether Kusto types the slot real or long is not settled; refusing rather than guessing`,
    );
  if (v instanceof DynReal) return 'real';
  if (typeof v === 'string') return 'string';
  return 'dynamic';
}

/**
 * bag_unpack without an output schema: one column per distinct slot, sorted by name as in the
 * plugin doc's examples, typed as the slot "if all values of the same slot have the same type, or
 * dynamic, if the values differ in type"; null values are ignored
 * (https://learn.microsoft.com/kusto/query/bag-unpack-plugin).
 */
export function executeBagUnpack(plan: Extract<Plan, { op: 'bag-unpack' }>, input: Frame): Frame {
  const bags = input.columns[plan.column].map((bag) => (isBag(bag) ? bag : undefined));
  const types = new Map<string, KqlType | undefined>();
  const ignored = new Set(plan.ignored);
  for (const bag of bags) {
    if (!bag) continue;
    for (const [key, value] of Object.entries(bag)) {
      if (ignored.has(key)) continue;
      const known = types.get(key);
      if (value === null) {
        if (!types.has(key)) types.set(key, undefined);
        continue;
      }
      const type = slotType(value, key, plan.span);
      types.set(key, known === undefined || known === type ? type : 'dynamic');
    }
  }
  const names = [...types.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const slots: Column[] = names.map((n) => ({ name: plan.prefix + n, type: types.get(n) ?? 'dynamic' }));
  const sourceOf = (name: string) => input.schema.findIndex((c, i) => i !== plan.column && c.name === name);
  const clash = slots.find((slot) => sourceOf(slot.name) >= 0);
  if (clash && plan.conflict === 'error')
    throw new UnsupportedError(
      'bag_unpack',
      plan.span,
      `bag_unpack: property '${clash.name}' collides with an existing column`,
    );
  // A conflicting column takes its slot's place among the unpacked ones (the page's replace_source
  // and keep_source examples both print Age, Name), holding the bag's or the source's values.
  const kept = input.schema
    .map((_, c) => c)
    .filter((c) => c !== plan.column && !slots.some((s) => s.name === input.schema[c].name));
  const keepSource = (slot: Column) => plan.conflict === 'keep_source' && sourceOf(slot.name) >= 0;
  const schema: Column[] = [
    ...kept.map((c) => input.schema[c]),
    ...slots.map((slot) => (keepSource(slot) ? input.schema[sourceOf(slot.name)] : slot)),
  ];
  const columns = [
    ...kept.map((c) => input.columns[c]),
    ...names.map((n, k) =>
      keepSource(slots[k])
        ? input.columns[sourceOf(slots[k].name)]
        : bags.map((bag) => {
            const value = bag && Object.hasOwn(bag, n) ? bag[n] : null;
            if (value instanceof DynReal) return slots[k].type === 'real' ? value.value : value;
            return value === null && slots[k].type === 'string' ? '' : value;
          }),
    ),
  ];
  return { schema, columns, length: input.length };
}
