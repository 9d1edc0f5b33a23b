import { type Json, type KqlType, UnsupportedError, type Value } from '../values/index.js';
import { type ArithmeticOp, arithmetic, negate } from './arithmetic.js';
import { compareValues, equalValues } from './compare.js';
import { refuseContainerEquality, refuseCrossTypeEquality } from './crossType.js';
import { compileRegex } from './regex.js';
import {
  foldAscii,
  foldUnicode,
  hasNonAscii,
  matchesTerm,
  matchesTermAs,
  type TermMode,
  termMatcher,
  text,
  twoReadings,
} from './text.js';
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

/**
 * A case-insensitive string test. ASCII texts fold their letters; where a non-ASCII character is
 * involved the ASCII-only and the every-letter folding (text.ts twoReadings) must agree.
 */
const ci = (operator: string, test: (l: string, r: string) => boolean) => (l: string, r: string) => {
  if (!hasNonAscii(l) && !hasNonAscii(r)) return test(foldAscii(l), foldAscii(r));
  return twoReadings(operator, l, (unicode) =>
    unicode ? test(foldUnicode(l), foldUnicode(r)) : test(foldAscii(l), foldAscii(r)),
  );
};
const equalsCi = ci('=~', (l, r) => l === r);
const contains = (l: string, r: string) => l.includes(r);
const startsWith = (l: string, r: string) => l.startsWith(r);
const endsWith = (l: string, r: string) => l.endsWith(r);
const term = (mode: TermMode, cs: boolean, operator: string) => (l: string, r: string) =>
  matchesTerm(l, r, mode, cs, operator);

/** has / hasprefix / hassuffix operators: term mode, case-sensitive, negated, the operator's text. */
const TERM_OPERATORS: Record<string, [TermMode, boolean, boolean, string]> = {
  HasExpression: ['term', false, false, 'has'],
  NotHasExpression: ['term', false, true, '!has'],
  HasCsExpression: ['term', true, false, 'has_cs'],
  NotHasCsExpression: ['term', true, true, '!has_cs'],
  HasPrefixExpression: ['prefix', false, false, 'hasprefix'],
  NotHasPrefixExpression: ['prefix', false, true, '!hasprefix'],
  HasPrefixCsExpression: ['prefix', true, false, 'hasprefix_cs'],
  NotHasPrefixCsExpression: ['prefix', true, true, '!hasprefix_cs'],
  HasSuffixExpression: ['suffix', false, false, 'hassuffix'],
  NotHasSuffixExpression: ['suffix', false, true, '!hassuffix'],
  HasSuffixCsExpression: ['suffix', true, false, 'hassuffix_cs'],
  NotHasSuffixCsExpression: ['suffix', true, true, '!hassuffix_cs'],
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

/** `in~` of a text against item texts: ASCII folding, or both readings where non-ASCII is involved. */
function inCi(operator: string, left: string, items: string[]): boolean {
  if (!hasNonAscii(left) && !items.some(hasNonAscii)) {
    const folded = foldAscii(left);
    return items.some((i) => foldAscii(i) === folded);
  }
  return twoReadings(operator, left, (unicode) => {
    const fold = unicode ? foldUnicode : foldAscii;
    const folded = fold(left);
    return items.some((i) => fold(i) === folded);
  });
}

function membership(caseInsensitive: boolean, negated: boolean): ScalarImpl {
  return ([left, ...items], [tl, ...types]) => {
    const flat = flattenItems(items, types);
    if (caseInsensitive)
      return (
        inCi(
          negated ? '!in~' : 'in~',
          text(left, tl),
          flat.map(({ v, t }) => text(v, t)),
        ) !== negated
      );
    const found = flat.some(({ v, t }) => {
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
    const answer = (unicode: boolean) => {
      const test = (n: string) => matchesTermAs(haystack, n, 'term', false, unicode);
      return all ? needles.every(test) : needles.some(test);
    };
    if (!hasNonAscii(haystack) && !needles.some(hasNonAscii)) return answer(false);
    return twoReadings(all ? 'has_all' : 'has_any', haystack, answer);
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
  BangTildeExpression: stringPredicate(
    ci('!~', (l, r) => l === r),
    true,
  ),
  InExpression: membership(false, false),
  NotInExpression: membership(false, true),
  InCsExpression: membership(true, false),
  NotInCsExpression: membership(true, true),
  BetweenExpression: between(false),
  NotBetweenExpression: between(true),
  ...Object.fromEntries(
    Object.entries(TERM_OPERATORS).map(([kind, [mode, cs, negated, operator]]) => [
      kind,
      stringPredicate(term(mode, cs, operator), negated),
    ]),
  ),
  ContainsExpression: stringPredicate(ci('contains', contains)),
  NotContainsExpression: stringPredicate(ci('!contains', contains), true),
  ContainsCsExpression: stringPredicate(contains),
  NotContainsCsExpression: stringPredicate(contains, true),
  StartsWithExpression: stringPredicate(ci('startswith', startsWith)),
  NotStartsWithExpression: stringPredicate(ci('!startswith', startsWith), true),
  StartsWithCsExpression: stringPredicate(startsWith),
  NotStartsWithCsExpression: stringPredicate(startsWith, true),
  EndsWithExpression: stringPredicate(ci('endswith', endsWith)),
  NotEndsWithExpression: stringPredicate(ci('!endswith', endsWith), true),
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
    const [mode, cs, negated, operator] = termOperator;
    const matches = termMatcher(values[0], mode, cs, operator);
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
      const negated = kind === 'NotInCsExpression';
      const operator = negated ? '!in~' : 'in~';
      if (values.some(hasNonAscii)) return (v) => inCi(operator, v as string, values) !== negated;
      const set = new Set(values.map(foldAscii));
      // An ASCII item never equals a non-ASCII text under ASCII folding; under every-letter folding
      // it can ('ı' folds to 'I'), so such a row takes the two-reading path.
      return (v) =>
        hasNonAscii(v as string)
          ? inCi(operator, v as string, values) !== negated
          : set.has(foldAscii(v as string)) !== negated;
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
