import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryOperator, operatorWithConstants } from '../../../src/kql/functions/index.js';
import { type KqlType, UnsupportedError, type Value } from '../../../src/kql/values/index.js';

// Filters compile `Col <op> constant` into a specialized test; it must agree with the generic
// operator on every input, including the ASCII-only case folding of has/in~ and term boundaries, and
// refuse the same non-ASCII inputs whose answer depends on the page version (text.ts twoReadings).
const ALPHABET = [
  'a',
  'A',
  'z',
  'Z',
  's',
  'S',
  'k',
  'K',
  '0',
  '9',
  ' ',
  '.',
  '-',
  '_',
  'é',
  'É',
  'ſ',
  '\u212a',
  'İ',
  'ı',
];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((cs) => cs.join(''));

const TERM_KINDS = [
  'HasExpression',
  'NotHasExpression',
  'HasCsExpression',
  'NotHasCsExpression',
  'HasPrefixExpression',
  'NotHasPrefixExpression',
  'HasPrefixCsExpression',
  'NotHasPrefixCsExpression',
  'HasSuffixExpression',
  'NotHasSuffixExpression',
  'HasSuffixCsExpression',
  'NotHasSuffixCsExpression',
];
const SET_KINDS = ['InExpression', 'NotInExpression', 'InCsExpression', 'NotInCsExpression'];

function generic(kind: string, left: Value, leftType: KqlType, right: string[]): Value {
  const impl = binaryOperator(kind);
  if (!impl) throw new Error(kind);
  return impl([left, ...right], [leftType, ...right.map(() => 'string' as const)], 'bool', { now: 0n });
}

/** A value, or the construct of a refusal: both forms must refuse the same inputs (text.ts twoReadings). */
function outcome(run: () => Value): Value | { refused: string } {
  try {
    return run();
  } catch (error) {
    if (error instanceof UnsupportedError) return { refused: error.construct };
    throw error;
  }
}

function special(kind: string, left: Value, leftType: KqlType, right: string[]): Value {
  const test = operatorWithConstants(
    kind,
    leftType,
    right.map((value) => ({ value, type: 'string' })),
  );
  if (!test) throw new Error(`no specialization for ${kind}`);
  return test(left);
}

describe('operators with constant operands agree with the generic operators', () => {
  it.each(TERM_KINDS)('%s', (kind) => {
    fc.assert(
      fc.property(text, text, (haystack, needle) => {
        expect(outcome(() => special(kind, haystack, 'string', [needle]))).toEqual(
          outcome(() => generic(kind, haystack, 'string', [needle])),
        );
      }),
      { numRuns: 400 },
    );
  });

  it.each(['EqualExpression', 'NotEqualExpression', ...SET_KINDS])('%s', (kind) => {
    const single = kind.includes('Equal');
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: single ? 1 : 4 }), (left, right) => {
        expect(outcome(() => special(kind, left, 'string', right))).toEqual(
          outcome(() => generic(kind, left, 'string', right)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('has on a non-string column converts the value to text first', () => {
    expect(special('HasExpression', { a: 'Azure' } as Value, 'dynamic', ['azure'])).toBe(
      generic('HasExpression', { a: 'Azure' } as Value, 'dynamic', ['azure']),
    );
    expect(special('HasExpression', 42, 'long', ['42'])).toBe(true);
  });

  it('needles with regex metacharacters are literal', () => {
    expect(special('HasExpression', 'a (b) c', 'string', ['(b)'])).toBe(true);
    expect(special('HasExpression', 'a xbx c', 'string', ['.b.'])).toBe(false);
  });

  it('operand kinds without a faster form fall back to the generic operator', () => {
    expect(operatorWithConstants('EqualExpression', 'long', [{ value: 1, type: 'long' }])).toBeUndefined();
    expect(
      operatorWithConstants('InExpression', 'dynamic', [{ value: 'a', type: 'string' }]),
    ).toBeUndefined();
  });
});
