import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { UnsupportedError } from '../../../src/kql/index.js';
import { checkResultSchema, schemaDifference } from '../../../src/kql/lower/verify.js';
import type { Plan } from '../../../src/kql/plan/types.js';
import { analyze } from '../../../src/kql/syntax/index.js';

// The schema-equality check: a plan whose columns differ from the ones Kusto.Language computes is
// refused, never run. Conformance, rule and fuzz tests assert no real query reaches it.
describe('result schema check', () => {
  const code = analyze('print a = 1, b = "x"', emptyCatalog()).code;
  const plan = (schema: Plan['schema']): Plan => ({ op: 'values', rows: [], schema });

  it('accepts the schema Kusto.Language computes', () => {
    expect(() =>
      checkResultSchema(
        plan([
          { name: 'a', type: 'long' },
          { name: 'b', type: 'string' },
        ]),
        code,
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'a type',
      [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'string' },
      ],
    ],
    [
      'a name',
      [
        { name: 'a', type: 'long' },
        { name: 'c', type: 'string' },
      ],
    ],
    [
      'the order',
      [
        { name: 'b', type: 'string' },
        { name: 'a', type: 'long' },
      ],
    ],
    ['the column count', [{ name: 'a', type: 'long' }]],
  ] as const)('refuses a plan that differs in %s', (_, schema) => {
    expect(() => checkResultSchema(plan([...schema]), code)).toThrow(UnsupportedError);
    expect(() => checkResultSchema(plan([...schema]), code)).toThrow(
      /differs from Kusto's \(a:long, b:string\)/,
    );
  });

  it('describes the first difference for messages', () => {
    expect(schemaDifference([{ name: 'x', type: 'int' }], [{ name: 'x', type: 'long' }])).toContain(
      '(x:int) differs from Kusto',
    );
  });
});
