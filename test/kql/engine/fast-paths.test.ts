import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberIds } from '../../../src/kql/execute/number-ids.js';
import { compileScalar } from '../../../src/kql/execute/scalar.js';
import { binaryOperator } from '../../../src/kql/functions/index.js';
import type { ScalarExpr } from '../../../src/kql/plan/types.js';
import { type KqlType, MAX_DATETIME_TICKS, type Value } from '../../../src/kql/values/index.js';
import { NOW } from './helpers.js';

// The engine's fast paths (issue #15) must give exactly the answers of the general code they stand
// in for; these compare the two on generated inputs, including nulls and range edges.

describe('NumberIds', () => {
  it('numbers keys densely in order of first insertion, as a Map would, across growth', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), fc.array(key, { maxLength: 30 }), (added, probed) => {
        const ids = new NumberIds();
        const reference = new Map<number, number>();
        for (const k of added) {
          if (!reference.has(k)) reference.set(k, reference.size);
          expect(ids.add(k)).toBe(reference.get(k));
        }
        expect(ids.size).toBe(reference.size);
        for (const k of [...added, ...probed]) expect(ids.get(k)).toBe(reference.get(k) ?? -1);
      }),
    );
  });
});

/** The operator `name` over columns of `types` compiled by the executor, and the operator itself, at each row. */
function bothWays(name: string, types: KqlType[], resultType: KqlType, rows: Value[][]) {
  const args: ScalarExpr[] = types.map((type, index) => ({ kind: 'column', index, type }));
  const expr: ScalarExpr = {
    kind: 'call',
    callee: 'binary',
    name,
    args,
    type: resultType,
    span: { start: 0, length: 0 },
  };
  const frame = {
    schema: types.map((type, c) => ({ name: `c${c}`, type })),
    columns: types.map((_, c) => rows.map((row) => row[c])),
    length: rows.length,
  };
  const ctx = { now: NOW };
  const compiled = compileScalar(expr, frame, { ctx, run: () => frame });
  const impl = binaryOperator(name);
  if (!impl) throw new Error(name);
  return rows.map((row, i) => [compiled(i), impl(row, types, resultType, ctx)]);
}

describe('datetime and timespan operators on ticks', () => {
  const edge = [0n, 1n, NOW, MAX_DATETIME_TICKS - 1n, MAX_DATETIME_TICKS];
  const ticks = fc.oneof(
    fc.constantFrom<Value>(null, ...edge),
    fc.bigInt({ min: 0n, max: MAX_DATETIME_TICKS }),
    fc.bigInt({ min: -MAX_DATETIME_TICKS, max: MAX_DATETIME_TICKS }),
  );
  const cases: [string, KqlType[], KqlType][] = [
    ...['LessThan', 'LessThanOrEqual', 'GreaterThan', 'GreaterThanOrEqual', 'Equal', 'NotEqual'].flatMap(
      (op): [string, KqlType[], KqlType][] => [
        [`${op}Expression`, ['datetime', 'datetime'], 'bool'],
        [`${op}Expression`, ['timespan', 'timespan'], 'bool'],
      ],
    ),
    ['BetweenExpression', ['datetime', 'datetime', 'datetime'], 'bool'],
    ['BetweenExpression', ['datetime', 'datetime', 'timespan'], 'bool'],
    ['NotBetweenExpression', ['datetime', 'datetime', 'timespan'], 'bool'],
    ['BetweenExpression', ['timespan', 'timespan', 'timespan'], 'bool'],
    ['AddExpression', ['datetime', 'timespan'], 'datetime'],
    ['AddExpression', ['timespan', 'datetime'], 'datetime'],
    ['AddExpression', ['timespan', 'timespan'], 'timespan'],
    ['SubtractExpression', ['datetime', 'timespan'], 'datetime'],
    ['SubtractExpression', ['datetime', 'datetime'], 'timespan'],
    ['SubtractExpression', ['timespan', 'timespan'], 'timespan'],
  ];
  it.each(cases)(
    '%s of %j answers as the operator does, nulls and range edges included',
    (name, types, result) => {
      fc.assert(
        fc.property(
          fc.array(fc.array(ticks, { minLength: types.length, maxLength: types.length }), { maxLength: 50 }),
          (rows) => {
            for (const [fast, general] of bothWays(name, types, result, rows)) expect(fast).toEqual(general);
          },
        ),
      );
    },
  );
});
