import {
  dynamicText,
  type Json,
  realInDynamic,
  setOwn,
  TICKS_PER_HOUR,
  UnsupportedError,
  valueToDynamic,
} from '../values/index.js';
import type { FunctionTable, ScalarImpl } from './types.js';

// range() returns at most 2^20 values, truncating longer series (range-function doc).
const MAX_RANGE = 1_048_576;

/**
 * range(start, stop [, step]): start, start + step, ... up to and including stop; step defaults to
 * 1, or 1h for datetime and timespan (https://learn.microsoft.com/kusto/query/range-function). The
 * page does not say what a non-positive step or a stop before start gives, so those are refused.
 */
const rangeFn: ScalarImpl = ([start, stop, step], types) => {
  const type = types[0];
  if (start === null || stop === null || step === null) return null;
  const ticks = type === 'datetime' || type === 'timespan';
  const by = step ?? (ticks ? TICKS_PER_HOUR : 1);
  const out: Json[] = [];
  if (typeof start === 'bigint' && typeof stop === 'bigint' && typeof by === 'bigint') {
    if (by <= 0n || stop < start) throw refusedRange();
    for (let v = start; v <= stop && out.length < MAX_RANGE; v += by) out.push(valueToDynamic(v, type));
    return out;
  }
  if (typeof start === 'number' && typeof stop === 'number' && typeof by === 'number') {
    if (by <= 0 || stop < start) throw refusedRange();
    // A real bound or step makes the elements reals, which keep their kind in the array.
    const element = types.includes('real') ? realInDynamic : (n: number) => n;
    const values = steppedNumbers(start, stop, by, MAX_RANGE);
    if (typeof values === 'string')
      throw new UnsupportedError(
        'range() with a step floating point does not hold exactly',
        `range() ${values}`,
      );
    return values.slice(0, MAX_RANGE).map(element);
  }
  throw new UnsupportedError('range() over mixed types');
};

/**
 * start, start + step, ... while not past stop, for the range() function and the range operator. With
 * a step that binary floating point does not hold exactly (0.1), adding the step again and again and
 * multiplying it by the element's index give different values (0.7999999999999999 or 0.8 as the ninth
 * of range(0.0, 1.0, 0.1)), and even a different last element; neither page says which Kusto does, so
 * such a series is refused: the reason is returned for the caller to throw. Whole numbers and steps
 * like 0.5 agree either way and answer. At most `limit + 1` values are made (the caller decides what
 * more than `limit` means).
 */
export function steppedNumbers(start: number, stop: number, step: number, limit: number): number[] | string {
  const out: number[] = [];
  const within = (v: number) => (step > 0 ? v <= stop : v >= stop);
  let added = start;
  for (let k = 0; out.length <= limit; k++) {
    const multiplied = start + k * step;
    if (within(added) !== within(multiplied) || (within(added) && added !== multiplied))
      return `from ${start} to ${stop} step ${step}: element ${k} is ${added} when the step is added again and again and ${within(multiplied) ? multiplied : 'past the stop'} when it is multiplied by ${k}; the page does not say which Kusto computes`;
    if (!within(added)) break;
    out.push(added);
    added += step;
  }
  return out;
}

function refusedRange(): UnsupportedError {
  return new UnsupportedError('range() with a non-positive step or a stop before start');
}

/**
 * strcat_array(array, delimiter): each element as text (a string without quotes). The page prints
 * only arrays of numbers; a null element has two readings (tostring() of a null dynamic is '', JSON
 * text writes null), so it is refused.
 */
const strcatArray: ScalarImpl = ([array, delimiter]) => {
  if (!Array.isArray(array)) return '';
  const text = (x: Json) => {
    if (x === null)
      throw new UnsupportedError(
        'strcat_array() of an array with a null element',
        "strcat_array() of an array holding null: the strcat_array page prints arrays of numbers only, not whether a null element is written '' or null; refusing rather than guessing",
      );
    return dynamicText(x);
  };
  return (array as Json[]).map(text).join(typeof delimiter === 'string' ? delimiter : '');
};

/**
 * series_fill_forward / series_fill_backward: each missing element (the placeholder, null by
 * default) takes the nearest other value on its left (forward) or right (backward); missing
 * elements at the open end stay (https://learn.microsoft.com/kusto/query/series-fill-forward-function).
 */
function fill(direction: 1 | -1): ScalarImpl {
  return ([series, placeholder]) => {
    if (!Array.isArray(series)) return null;
    const missing = (x: Json) =>
      placeholder === undefined || placeholder === null ? x === null : x === placeholder;
    const out = [...(series as Json[])];
    let last: Json | undefined;
    for (let k = 0; k < out.length; k++) {
      const i = direction === 1 ? k : out.length - 1 - k;
      if (!missing(out[i])) last = out[i];
      else if (last !== undefined) out[i] = last;
    }
    return out;
  };
}

/**
 * array_split(array, index or indices): the N+1 arrays [0..i1), [i1..i2), ... [iN..length); a
 * negative index counts from the end (https://learn.microsoft.com/kusto/query/array-split-function).
 * Indices out of range or out of order are not described by the page, so they are refused.
 */
const arraySplit: ScalarImpl = ([array, indices]) => {
  if (!Array.isArray(array) || indices === null) return null;
  const items = array as Json[];
  const raw = Array.isArray(indices) ? (indices as Json[]) : [indices as Json];
  const cuts = raw.map((i) => {
    if (typeof i !== 'number' || !Number.isInteger(i))
      throw new UnsupportedError('array_split() with a non-integer index');
    return i < 0 ? items.length + i : i;
  });
  if (cuts.some((c, k) => c < 0 || c > items.length || (k > 0 && c < cuts[k - 1])))
    throw new UnsupportedError('array_split() with indices out of range or order');
  const bounds = [0, ...cuts, items.length];
  return cuts.concat(items.length).map((end, k) => items.slice(bounds[k], end));
};

/**
 * repeat(value, count): an array of count copies; 0 gives [], a negative count null
 * (https://learn.microsoft.com/kusto/query/repeat-function).
 */
const repeat: ScalarImpl = ([value, count], types) => {
  if (typeof count !== 'number') return null;
  if (count < 0) return null;
  if (count > MAX_RANGE) throw new UnsupportedError('repeat() of more than 2^20 elements');
  const element = valueToDynamic(value, types[0]);
  return Array.from({ length: Math.trunc(count) }, () => element);
};

/**
 * bag_zip(keys, values): string keys paired with the values at their positions; missing values
 * and a non-array values argument give nulls, non-string keys are skipped, a non-array keys
 * argument gives null (https://learn.microsoft.com/kusto/query/bag-zip). A repeated key is not
 * described, so it is refused.
 */
const bagZip: ScalarImpl = ([keys, values]) => {
  if (!Array.isArray(keys)) return null;
  const vals = Array.isArray(values) ? (values as Json[]) : [];
  const bag: Record<string, Json> = {};
  (keys as Json[]).forEach((key, i) => {
    if (typeof key !== 'string') return;
    if (Object.hasOwn(bag, key)) throw new UnsupportedError('bag_zip() with a repeated key');
    setOwn(bag, key, vals[i] ?? null);
  });
  return bag;
};

export const arrayFunctions: FunctionTable = {
  array_split: arraySplit,
  repeat,
  bag_zip: bagZip,
  series_fill_forward: fill(1),
  series_fill_backward: fill(-1),
  range: rangeFn,
  strcat_array: strcatArray,
};
