/**
 * decimal values. Kusto's decimal is a 128-bit decimal number whose literals read as .NET's SqlDecimal
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/decimal): decimal(1.1) + decimal(2.2) is
 * exactly 3.3. The engine holds a decimal as a double, which is right only while the double's shortest
 * text is the decimal's exact value. So every decimal the engine produces is checked to be such a value:
 * arithmetic is computed exactly on the operands' decimal digits, and a literal, conversion or result
 * that a double cannot hold exactly is refused, as is a quotient with no finite decimal expansion
 * (SqlDecimal's precision and rounding for 1/3 are not documented). A decimal's text (tostring(),
 * strcat()) is refused too: SqlDecimal's text keeps its scale (trailing zeros, 1.5 * 2 is 3.0), and
 * no page says which scale Kusto's results carry.
 */
import { UnsupportedError, type Value, WideDecimal } from '../values/index.js';
import type { ArithmeticOp } from './arithmetic.js';
import type { FunctionTable, ScalarImpl } from './types.js';

/** value = digits / 10^scale, scale >= 0. */
interface Exact {
  digits: bigint;
  scale: number;
}

const DECIMAL_TEXT = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;
// Past this many fractional digits a quotient is taken not to terminate (SqlDecimal holds 38 digits).
const MAX_SCALE = 38;

function refuse(construct: string, detail: string): never {
  throw new UnsupportedError(construct, `${construct}: ${detail}`);
}

/** Decimal text (`12.5`, `-1e-7`, `1.5E+20`) as an exact value; null when it is not decimal text. */
function parseExact(text: string): Exact | null {
  const m = DECIMAL_TEXT.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const fraction = m[3] ?? '';
  let digits = BigInt(`${m[2]}${fraction}` || '0');
  let scale = fraction.length - Number(m[4] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize({ digits: m[1] === '-' ? -digits : digits, scale });
}

/** Without trailing fractional zeros, so equal values compare equal. */
function normalize(e: Exact): Exact {
  let { digits, scale } = e;
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale--;
  }
  return { digits, scale };
}

function toText(e: Exact): string {
  const negative = e.digits < 0n;
  const abs = (negative ? -e.digits : e.digits).toString().padStart(e.scale + 1, '0');
  const whole = abs.slice(0, abs.length - e.scale);
  const fraction = abs.slice(abs.length - e.scale);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The exact decimal value a double stands for: its shortest round-trip text. */
function exactOfDouble(x: number): Exact {
  return parseExact(String(x)) as Exact;
}

const same = (a: Exact, b: Exact) => a.digits === b.digits && a.scale === b.scale;

// SqlDecimal's largest precision: 38 digits in all (SqlDecimal.MaxPrecision; MaxValue is 10^38 - 1).
const MAX_PRECISION = 38;

/** The double holding exactly `e`, or a refusal naming what produced it. */
function held(e: Exact, construct: string): number {
  const digits = (e.digits < 0n ? -e.digits : e.digits).toString().length;
  if (Math.max(digits, e.scale) > MAX_PRECISION)
    refuse(
      construct,
      `the decimal ${digits > 40 ? Number(toText(e)) : toText(e)} needs more than SqlDecimal's ${MAX_PRECISION} digits; how the service overflows or rounds it is not documented`,
    );
  const n = Number(toText(e));
  if (!same(exactOfDouble(n), normalize(e)))
    refuse(construct, `the decimal ${toText(e)} has more digits than the engine holds exactly`);
  return n;
}

function aligned(a: Exact, b: Exact): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.digits * 10n ** BigInt(scale - a.scale), b.digits * 10n ** BigInt(scale - b.scale), scale];
}

/** a / b as a finite decimal, or null when its expansion does not end within MAX_SCALE digits. */
function quotient(a: Exact, b: Exact): Exact | null {
  // a/b = (a.digits * 10^b.scale) / (b.digits * 10^a.scale)
  let numerator = a.digits * 10n ** BigInt(b.scale);
  let denominator = b.digits * 10n ** BigInt(a.scale);
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  for (let scale = 0; scale <= MAX_SCALE; scale++) {
    const scaled = numerator * 10n ** BigInt(scale);
    if (scaled % denominator === 0n) return { digits: scaled / denominator, scale };
  }
  return null;
}

/** A decimal operation on two numbers the engine holds, computed on their exact decimal values. */
export function decimalArithmetic(op: ArithmeticOp, x: number, y: number): number | null {
  const construct = `decimal ${op}`;
  if (!Number.isFinite(x) || !Number.isFinite(y)) refuse(construct, 'a decimal has no NaN or infinity');
  const a = exactOfDouble(x);
  const b = exactOfDouble(y);
  const [da, db, scale] = aligned(a, b);
  switch (op) {
    case '+':
      return held({ digits: da + db, scale }, construct);
    case '-':
      return held({ digits: da - db, scale }, construct);
    case '*':
      return held({ digits: a.digits * b.digits, scale: a.scale + b.scale }, construct);
    case '/': {
      if (b.digits === 0n) refuse(construct, 'decimal division by zero is not documented');
      const q = quotient(a, b);
      if (q === null)
        refuse(construct, `${x} / ${y} has no finite decimal value; its rounding is not documented`);
      return held(q, construct);
    }
    case '%': {
      if (db === 0n) refuse(construct, 'decimal modulo by zero is not documented');
      // The numerical operators page: 0 <= N % D < abs(D).
      const d = db < 0n ? -db : db;
      return held({ digits: ((da % d) + d) % d, scale }, construct);
    }
  }
}

/**
 * A decimal read from text (a `decimal(...)` literal, todecimal() of a string): its exact value when a
 * double holds it; text that is not a decimal number (NaN, inf) is refused, SqlDecimal having neither.
 */
export function decimalFromText(text: string, construct: string): number | null {
  const e = parseExact(text);
  if (e === null) refuse(construct, `${JSON.stringify(text)} is not decimal text the engine reads exactly`);
  return held(e, construct);
}

/**
 * todecimal() of a real. .NET's double-to-decimal conversion keeps 15 significant digits, an exact one
 * keeps all 17; they agree only for a real with at most 15, the only ones answered.
 */
export function decimalFromReal(x: number): number {
  if (!Number.isFinite(x)) refuse('todecimal() of a real', 'a decimal has no NaN or infinity');
  const significant = String(Math.abs(x)).replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').length;
  if (significant > 15)
    refuse(
      'todecimal() of a real',
      `${x} has more than 15 significant digits; the conversion's rounding is not documented`,
    );
  return held(exactOfDouble(x), 'todecimal() of a real');
}

/** tostring() / strcat() of a decimal: refused (see the module comment); '' for null as for every type. */
export function decimalText(v: Value): string {
  if (v === null) return '';
  return refuse(
    'tostring() of a decimal',
    'the text of a decimal keeps a scale (trailing zeros) that the docs do not describe',
  );
}

/** Within SqlDecimal's 38 digits, as held() requires. */
function fits(e: Exact): boolean {
  const digits = (e.digits < 0n ? -e.digits : e.digits).toString().length;
  return Math.max(digits, e.scale) <= MAX_PRECISION;
}

function compareExact(a: Exact, b: Exact): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The order of a real and a decimal, when it does not depend on which side Kusto converts. No page says
 * whether `real < decimal` reads the decimal as a double or the real as a decimal, nor with how many
 * digits a real becomes a decimal (.NET's conversion keeps 15 significant digits, a round-trip one the
 * shortest text; see decimalFromReal). A real of at most 15 significant digits orders the same every
 * way (each double's shortest text lies in its own rounding interval, and a decimal the engine holds is
 * such a text); past 15, `(0.1 + 0.2) > decimal(0.3)` is true as doubles and false as decimals. So the
 * order is returned when the doubles' order equals the decimal order under both conversions, and
 * undefined otherwise. A NaN or infinite real (no decimal has one), or one past SqlDecimal's 38 digits
 * (1e300, 1e-40: todecimal() refuses them), is undefined too.
 */
export function realDecimalOrder(real: number, decimal: number): number | undefined {
  if (!Number.isFinite(real) || !Number.isFinite(decimal)) return undefined;
  const asDoubles = real < decimal ? -1 : real > decimal ? 1 : 0;
  const d = exactOfDouble(decimal);
  for (const text of [real.toPrecision(15), String(real)]) {
    const r = parseExact(text);
    if (r === null || !fits(r) || compareExact(r, d) !== asDoubles) return undefined;
  }
  return asDoubles;
}

/** A whole decimal as the engine holds it: the double when that is its exact value, else kept whole. */
function wholeDecimal(digits: bigint): Value {
  const n = Number(digits);
  if (same(exactOfDouble(n), normalize({ digits, scale: 0 }))) return n;
  // Outside the Value union on purpose: code that does not know the box refuses on touching it.
  return new WideDecimal(digits) as unknown as Value;
}

const VERSION_PART_SCALES = [10n ** 24n, 10n ** 16n, 10n ** 8n, 1n];

/**
 * parse_version(): one to four dot-separated parts of up to eight digits, missing trailing parts 0,
 * as the decimal sum of the parts times 10^24, 10^16, 10^8, 1 (the page's Note and its printed values:
 * https://learn.microsoft.com/kusto/query/parse-version-function); null when the conversion fails
 * (its Returns): a part that is not digits, an empty part, more than four parts, a part of more than
 * eight digits. Text the page's rule does not settle is refused: blanks or a sign (does "1.0 " or
 * "+1" convert?) and a part longer than eight digits only by leading zeros ("000000001").
 */
const parseVersion: ScalarImpl = ([v], [type]) => {
  if (type !== 'string') refuse('parse_version()', `its page takes a string, not a ${type}`);
  if (typeof v !== 'string' || v === '') return null;
  const parts = v.split('.');
  const unsettled = (why: string) =>
    refuse(
      'parse_version()',
      `${JSON.stringify(v)} has ${why}; its page does not say whether such text converts or gives null`,
    );
  if (/[\s+-]/.test(v) && parts.length <= 4 && parts.every((p) => /^[\s+-]*\d+[\s]*$/.test(p)))
    unsettled('a part with blanks or a sign');
  if (parts.length > 4 || !parts.every((p) => /^\d+$/.test(p))) return null;
  if (parts.some((p) => p.length > 8 && /^0+\d{1,8}$/.test(p)))
    unsettled('a part of more than eight digits with leading zeros');
  if (parts.some((p) => p.length > 8)) return null;
  let digits = 0n;
  parts.forEach((p, k) => {
    digits += BigInt(p) * VERSION_PART_SCALES[k];
  });
  return wholeDecimal(digits);
};

export const versionFunctions: FunctionTable = { parse_version: parseVersion };
