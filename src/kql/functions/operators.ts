import { type Json, type KqlType, UnsupportedError, type Value } from '../values/index.js';
import { type ArithmeticOp, arithmetic, negate } from './arithmetic.js';
import { compareValues, equalValues } from './compare.js';
import { refuseContainerEquality, refuseCrossTypeEquality } from './crossType.js';
import { compileRegex } from './regex.js';
import { foldAscii, matchesTerm, type TermMode, termMatcher, text } from './text.js';
import type { ScalarImpl } from './types.js';

function comparison(test: (order: number) => boolean): ScalarImpl {
  return ([a, b], [ta, tb]) => {
    const order = compareValues(a, ta, b, tb);
    return order === null ? null : test(order);
  };
}

const equal: ScalarImpl = ([a, b], [ta, tb]) => {
  refuseCrossTypeEquality('==', ta, tb);
  refuseContainerEquality('==', a, ta, b, tb);
  return equalValues(a, ta, b, tb);
};
// Its own refusal, so a refused `a != 1` names the operator the query wrote.
const notEqual: ScalarImpl = ([a, b], [ta, tb]) => {
  refuseCrossTypeEquality('!=', ta, tb);
  refuseContainerEquality('!=', a, ta, b, tb);
  const eq = equalValues(a, ta, b, tb);
  return eq === null ? null : !eq;
};

/** A string predicate on (left text, right text); `negated` gives the `!` form. */
function stringPredicate(test: (l: string, r: string) => boolean, negated = false): ScalarImpl {
  return ([a, b], [ta, tb]) => test(text(a, ta), text(b, tb)) !== negated;
}

const ci = (test: (l: string, r: string) => boolean) => (l: string, r: string) =>
  test(foldAscii(l), foldAscii(r));
const equalsCi = ci((l, r) => l === r);
const contains = (l: string, r: string) => l.includes(r);
const startsWith = (l: string, r: string) => l.startsWith(r);
const endsWith = (l: string, r: string) => l.endsWith(r);
const term = (mode: TermMode, cs: boolean) => (l: string, r: string) => matchesTerm(l, r, mode, cs);

/** has / hasprefix / hassuffix operators: term mode, case-sensitive, negated. */
const TERM_OPERATORS: Record<string, [TermMode, boolean, boolean]> = {
  HasExpression: ['term', false, false],
  NotHasExpression: ['term', false, true],
  HasCsExpression: ['term', true, false],
  NotHasCsExpression: ['term', true, true],
  HasPrefixExpression: ['prefix', false, false],
  NotHasPrefixExpression: ['prefix', false, true],
  HasPrefixCsExpression: ['prefix', true, false],
  NotHasPrefixCsExpression: ['prefix', true, true],
  HasSuffixExpression: ['suffix', false, false],
  NotHasSuffixExpression: ['suffix', false, true],
  HasSuffixCsExpression: ['suffix', true, false],
  NotHasSuffixCsExpression: ['suffix', true, true],
};

/** Items of in / has_any lists: dynamic arrays are flattened, nested ones too (in operator doc). */
function flattenItems(args: Value[], types: KqlType[]): { v: Value; t: KqlType }[] {
  const out: { v: Value; t: KqlType }[] = [];
  const push = (v: Json) => {
    if (Array.isArray(v)) v.forEach(push);
    else out.push({ v, t: 'dynamic' });
  };
  for (let i = 0; i < args.length; i++) {
    if (types[i] === 'dynamic' && Array.isArray(args[i])) push(args[i] as Json);
    else out.push({ v: args[i], t: types[i] });
  }
  return out;
}

function membership(caseInsensitive: boolean, negated: boolean): ScalarImpl {
  return ([left, ...items], [tl, ...types]) => {
    const leftText = caseInsensitive ? foldAscii(text(left, tl)) : '';
    const found = flattenItems(items, types).some(({ v, t }) => {
      if (caseInsensitive) return foldAscii(text(v, t)) === leftText;
      refuseCrossTypeEquality(negated ? '!in' : 'in', tl, t);
      return equalValues(left, tl, v, t) === true;
    });
    return found !== negated;
  };
}

function hasAnyOrAll(all: boolean): ScalarImpl {
  return ([left, ...items], [tl, ...types]) => {
    const haystack = text(left, tl);
    const needles = flattenItems(items, types).map(({ v, t }) => text(v, t));
    const test = (n: string) => matchesTerm(haystack, n, 'term', false);
    return all ? needles.every(test) : needles.some(test);
  };
}

function between(negated: boolean): ScalarImpl {
  return ([v, low, high], [tv, tlow, thigh]) => {
    // `datetime between (start .. 1d)`: a timespan upper bound is relative to the lower bound.
    const upper =
      tv === 'datetime' && thigh === 'timespan' && typeof low === 'bigint' && typeof high === 'bigint';
    const hi = upper ? (low as bigint) + (high as bigint) : high;
    const lo = compareValues(v, tv, low, tlow);
    const up = compareValues(v, tv, hi, upper ? 'datetime' : thigh);
    if (lo === null || up === null) return null;
    return (lo >= 0 && up <= 0) !== negated;
  };
}

// Where one operand is null and the other does not decide the result (`bool(null) and true`,
// `bool(null) or false`, two nulls), the docs disagree: the logical-operators page's table prints
// false (https://learn.microsoft.com/kusto/query/logical-operators) while the null-values page makes
// null "sticky" except when `and` meets false or `or` meets true, and `not(null)` is null
// (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values). Both readings keep or drop
// the same rows where the result is only tested for truth (`where`, `iff`/`case` conditions, the
// predicates of the *if aggregates: scalar.ts compilePredicate answers those); where the value
// itself is kept, such a row is refused.
function undecided(operator: string): never {
  throw new UnsupportedError(
    `${operator} with a null operand`,
    `${operator} of a null and a value that does not decide it: the logical-operators page answers ` +
      `false, the null-values page null, so its value is refused where it is kept rather than only ` +
      `tested (where, iff, case); use isnull()/coalesce() to say which is meant`,
  );
}

const and: ScalarImpl = ([a, b]) => {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return undecided('and');
};

const or: ScalarImpl = ([a, b]) => {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return undecided('or');
};

const matchesRegex: ScalarImpl = ([a, b], [ta, tb]) => compileRegex(text(b, tb)).matcher(text(a, ta)).find();

const arithmeticKinds: Record<string, ArithmeticOp> = {
  AddExpression: '+',
  SubtractExpression: '-',
  MultiplyExpression: '*',
  DivideExpression: '/',
  ModuloExpression: '%',
};

/**
 * Binary operators by Kusto.Language SyntaxKind name. Trap: Kusto.Language names the
 * case-insensitive `in~` InCsExpression and `!in~` NotInCsExpression; plain `in` is InExpression.
 */
const binary: Record<string, ScalarImpl> = {
  ...Object.fromEntries(Object.entries(arithmeticKinds).map(([k, op]) => [k, arithmetic(op)])),
  LessThanExpression: comparison((o) => o < 0),
  LessThanOrEqualExpression: comparison((o) => o <= 0),
  GreaterThanExpression: comparison((o) => o > 0),
  GreaterThanOrEqualExpression: comparison((o) => o >= 0),
  EqualExpression: equal,
  NotEqualExpression: notEqual,
  AndExpression: and,
  OrExpression: or,
  EqualTildeExpression: stringPredicate(equalsCi),
  BangTildeExpression: stringPredicate(equalsCi, true),
  InExpression: membership(false, false),
  NotInExpression: membership(false, true),
  InCsExpression: membership(true, false),
  NotInCsExpression: membership(true, true),
  BetweenExpression: between(false),
  NotBetweenExpression: between(true),
  ...Object.fromEntries(
    Object.entries(TERM_OPERATORS).map(([kind, [mode, cs, negated]]) => [
      kind,
      stringPredicate(term(mode, cs), negated),
    ]),
  ),
  ContainsExpression: stringPredicate(ci(contains)),
  NotContainsExpression: stringPredicate(ci(contains), true),
  ContainsCsExpression: stringPredicate(contains),
  NotContainsCsExpression: stringPredicate(contains, true),
  StartsWithExpression: stringPredicate(ci(startsWith)),
  NotStartsWithExpression: stringPredicate(ci(startsWith), true),
  StartsWithCsExpression: stringPredicate(startsWith),
  NotStartsWithCsExpression: stringPredicate(startsWith, true),
  EndsWithExpression: stringPredicate(ci(endsWith)),
  NotEndsWithExpression: stringPredicate(ci(endsWith), true),
  EndsWithCsExpression: stringPredicate(endsWith),
  NotEndsWithCsExpression: stringPredicate(endsWith, true),
  MatchesRegexExpression: matchesRegex,
  HasAnyExpression: hasAnyOrAll(false),
  HasAllExpression: hasAnyOrAll(true),
};

const unary: Record<string, ScalarImpl> = {
  UnaryMinusExpression: negate,
  UnaryPlusExpression: ([v]) => v,
};

export interface Operand {
  value: Value;
  type: KqlType;
}

/**
 * A binary operator whose right-hand operands are constants, compiled once into a test of the left
 * value alone: the per-row work of filters like `where Col has "x"`, `Col in ("a", "b")`,
 * `Col != "0"`. Undefined when the operands have no faster form; the generic operator applies.
 */
export function operatorWithConstants(
  kind: string,
  leftType: KqlType,
  operands: Operand[],
): ((left: Value) => Value) | undefined {
  const strings = operands.every((o) => o.type === 'string');
  if (!strings) return undefined;
  const values = operands.map((o) => o.value as string);
  const termOperator = TERM_OPERATORS[kind];
  if (termOperator && values.length === 1) {
    const [mode, cs, negated] = termOperator;
    const matches = termMatcher(values[0], mode, cs);
    return (v) => matches(typeof v === 'string' ? v : text(v, leftType)) !== negated;
  }
  // String equality is ordinal and strings are never null, so == is ===.
  if (leftType !== 'string') return undefined;
  switch (kind) {
    case 'EqualExpression':
      return values.length === 1 ? (v) => v === values[0] : undefined;
    case 'NotEqualExpression':
      return values.length === 1 ? (v) => v !== values[0] : undefined;
    case 'InExpression':
    case 'NotInExpression': {
      const set = new Set(values);
      const negated = kind === 'NotInExpression';
      return (v) => set.has(v as string) !== negated;
    }
    case 'InCsExpression':
    case 'NotInCsExpression': {
      const set = new Set(values.map(foldAscii));
      const negated = kind === 'NotInCsExpression';
      return (v) => set.has(foldAscii(v as string)) !== negated;
    }
  }
  return undefined;
}

export function binaryOperator(kind: string): ScalarImpl | undefined {
  return binary[kind];
}

export function unaryOperator(kind: string): ScalarImpl | undefined {
  return unary[kind];
}
