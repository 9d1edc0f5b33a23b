import {
  DynReal,
  type KqlType,
  kqlString,
  parseBool,
  parseDateTime,
  parseGuid,
  parseReal,
  parseTimespan,
  refuseDashedYearLast,
  refuseOutOfIntRange,
  refuseUndocumentedNumberText,
  refuseUndocumentedTimespanText,
  toInteger,
  UnsupportedError,
  type Value,
} from '../values/index.js';
import { decimalFromReal, decimalFromText, decimalText } from './decimal.js';
import type { FunctionTable, ScalarImpl } from './types.js';

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

/** A number from any scalar; datetimes and timespans give their ticks (tolong(1s) == 10000000). */
function toNumber(v: Value, t: KqlType): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (v instanceof DynReal) return v.value;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (t === 'guid') return null;
    return INTEGER_TEXT.test(v) ? Number(v) : parseReal(v);
  }
  return null;
}

/**
 * toint()/tolong() of text that is a number but not an integer (`"12.5"`, `"1e3"`, `"NaN"`): the
 * toint page converts integer text (`toint("123")`) and truncates a real (`toint(2.3)` is 2), the
 * tolong page only integer text; neither says whether such text is read as a real and truncated, or
 * fails to null. Refused, naming the documented two steps.
 */
function refuseNonIntegerText(v: string, n: number, type: 'int' | 'long'): void {
  const fn = type === 'int' ? 'toint' : 'tolong';
  throw new UnsupportedError(
    `${fn}() of text that is not an integer`,
    `${fn}() of the text ${JSON.stringify(v)}: the toint and tolong pages convert integer text ("123") and the toint page truncates a real (toint(2.3) is 2), but neither says whether text with a fraction or exponent is read as a real (${n}) or gives null; write ${fn}(toreal(...)) to truncate its real`,
  );
}

function toIntegerFn(type: 'int' | 'long'): ScalarImpl {
  return ([v], [t]) => {
    const n = toNumber(v, t);
    if (n === null) return null;
    if (typeof v === 'string' && !INTEGER_TEXT.test(v)) refuseNonIntegerText(v, n, type);
    if (typeof v === 'string') refuseUndocumentedNumberText(v, type, `to${type}()`);
    if (type === 'int') refuseOutOfIntRange(n, 'toint()');
    return toInteger(n, type);
  };
}

const toReal: ScalarImpl = ([v], [t]) => {
  const n = toNumber(v, t);
  if (n !== null && typeof v === 'string' && t !== 'guid')
    refuseUndocumentedNumberText(v, 'real', 'toreal()');
  return n;
};

const toBool: ScalarImpl = ([v]) => {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v !== 0;
  if (v instanceof DynReal) return v.value !== 0;
  if (typeof v === 'string') {
    refuseUndocumentedBoolText(v);
    return parseBool(v);
  }
  return null;
};

/**
 * The tobool page prints the text "true" and "false" (and the numbers 1 and 123); the text "1"/"0" and
 * text with spaces around the word are read by some parsers (a number reading, .NET's trimming
 * bool.Parse) and rejected by others (.NET's bool.Parse of "1" fails), so they are refused.
 */
function refuseUndocumentedBoolText(v: string): void {
  const word = v.trim().toLowerCase();
  if (word !== '1' && word !== '0' && (word === v.toLowerCase() || parseBool(v) === null)) return;
  throw new UnsupportedError(
    'tobool() of text in an undocumented form',
    `tobool() of the text ${JSON.stringify(v)}: the tobool page prints "true" and "false" only, and no page says whether this text converts (to ${parseBool(v)}) or gives null; compare the text instead (v == "1", trim(" ", v) =~ "true")`,
  );
}

const toDateTime: ScalarImpl = ([v], [t]) => {
  if (v === null) return null;
  if (typeof v === 'bigint') return t === 'datetime' ? v : null;
  if (typeof v !== 'string') return null;
  const parsed = parseDateTime(v);
  if (parsed === null) refuseDashedYearLast(v, 'todatetime()');
  return parsed;
};

const toTimespan: ScalarImpl = ([v], [t]) => {
  if (v === null) return null;
  if (typeof v === 'bigint') return t === 'timespan' ? v : null;
  if (typeof v !== 'string') return null;
  refuseUndocumentedTimespanText(v, 'totimespan()');
  return parseTimespan(v);
};

const toGuid: ScalarImpl = ([v]) => (typeof v === 'string' ? parseGuid(v) : null);

const toStringFn: ScalarImpl = ([v], [t]) => (t === 'decimal' ? decimalText(v) : kqlString(v, t));

/** todecimal(): only values a double holds as the exact decimal Kusto would (functions/decimal.ts). */
const toDecimal: ScalarImpl = ([v], [t]) => {
  const n = toNumber(v, t);
  if (n === null) return null;
  if (typeof v === 'string') {
    // As toreal() (round 8): the todecimal page prints plain decimal text ("123.45678") only.
    refuseUndocumentedNumberText(v, 'decimal', 'todecimal()');
    return decimalFromText(v, 'todecimal()');
  }
  if (typeof v === 'bigint' && !Number.isSafeInteger(n)) return decimalFromText(v.toString(), 'todecimal()');
  return Number.isInteger(n) && Number.isSafeInteger(n) ? n : decimalFromReal(n);
};

/**
 * A long passed to a user function's int parameter (`let f = (n:int) {...}; range n ... | extend f(n)`,
 * as the functions library's comb_fl/perm_fl/factorial_fl pages do): Kusto.Language binds the
 * parameter as int, so the value is converted. How a long beyond int's range converts is not
 * documented, so that is refused. No query can call this name (it has a hyphen).
 */
export const INT_PARAMETER = 'int-parameter';

const intParameter: ScalarImpl = ([v]) => {
  if (v === null) return null;
  const n = Number(v);
  refuseOutOfIntRange(n, "a long beyond int's range passed to an int parameter of a user function");
  return toInteger(n, 'int');
};

/**
 * A branch of iff()/iif()/case() whose type is not the call's. Kusto.Language binds such calls (a
 * dynamic branch beside a string makes `iff(c, d.a, "")` a string, a timespan beside a real makes a
 * dynamic) but no page says how the branch is converted (the iff and case pages name only scalar
 * branches). A value that every conversion gives alike answers: null (or '' for a string, which is
 * never null), a JSON string as a string, a JSON bool as a bool, a JSON number as a real or, when
 * whole and in range, as an int or long, and a bool, number or string put into a dynamic. Any other
 * value (a number or array read as a string, a fraction as a long, a timespan put into a dynamic) is
 * refused; the engine put it into the column unchanged, e.g. the number 1 in a string column.
 */
export const BRANCH_VALUE = 'branch-value';

const branchValue: ScalarImpl = ([v], [from], to) => {
  if (v === null) return to === 'string' ? '' : null;
  if (from === 'dynamic') {
    if (to === 'string' && typeof v === 'string') return v;
    if (to === 'bool' && typeof v === 'boolean') return v;
    if (to === 'real' && typeof v === 'number') return v;
    if ((to === 'long' || to === 'int') && typeof v === 'number' && Number.isInteger(v)) {
      if (to === 'long' && Number.isSafeInteger(v)) return v;
      if (to === 'int' && v >= -(2 ** 31) && v < 2 ** 31) return v;
    }
  } else if (to === 'dynamic' && ['bool', 'string', 'int', 'long', 'real'].includes(from)) {
    if (typeof v !== 'number' || Number.isFinite(v)) return v;
  }
  throw new UnsupportedError(
    `a ${from} branch of a ${to} iff()/case()`,
    `a ${from} branch value of iff()/iif()/case() typed ${to}: the iff and case pages do not say how a branch of another type is converted, and this value (${typeof v === 'bigint' ? v.toString() : JSON.stringify(v)}) would differ between conversions; convert the branch explicitly (tostring(), tolong(), todynamic()...)`,
  );
};

export const conversionFunctions: FunctionTable = {
  [INT_PARAMETER]: intParameter,
  [BRANCH_VALUE]: branchValue,
  tostring: toStringFn,
  toint: toIntegerFn('int'),
  tolong: toIntegerFn('long'),
  todouble: toReal,
  toreal: toReal,
  todecimal: toDecimal,
  tobool: toBool,
  toboolean: toBool,
  toguid: toGuid,
  todatetime: toDateTime,
  totimespan: toTimespan,
  totime: toTimespan,
};
