// The narrow plugin (https://learn.microsoft.com/kusto/query/narrow-plugin).
import { UnsupportedError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import { formatDateTimeFull } from '../values/datetime.js';
import { formatReal, type KqlType, type Value } from '../values/index.js';
import { columnReader, type Frame } from './frame.js';

type Narrow = Extract<Plan, { op: 'narrow' }>;

/** Significant digits of a real's shortest round-trip text (`1.5E-05` has 2). */
function significantDigits(text: string): number {
  return text.replace(/E.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').length;
}

/**
 * A value as the page prints it: `True`/`False`, `2017-03-14 10:59:18.9263023`, whole numbers as
 * written, `0.130552847673333`. That real has 15 significant digits, the .NET general format of
 * 2017; the shortest round-trip text of .NET since then agrees with it for reals of at most 15
 * significant digits, so only those are answered. The page prints `[null]` for a missing value, a
 * client's rendering of null or the text itself: a null is refused. Kusto's strings are never null,
 * so the engine's null string is the empty string.
 */
function text(v: Value, type: KqlType, refuse: (why: string) => Error): string {
  if (type === 'string') return v === null ? '' : String(v);
  if (v === null) throw refuse('a null value (the page prints [null], not saying whether that is the text)');
  switch (type) {
    case 'bool':
      return v ? 'True' : 'False';
    case 'datetime':
      return formatDateTimeFull(v as bigint)
        .replace('T', ' ')
        .slice(0, -1);
    case 'real': {
      const n = v as number;
      const written = formatReal(n);
      if (!Number.isFinite(n) || Object.is(n, -0) || significantDigits(written) > 15)
        throw refuse(`the real ${written} (the page's one real is printed with 15 significant digits)`);
      return written;
    }
    default:
      return String(v);
  }
}

/** Per input row in order, one row per column in order: Row (from 0), the column's name, its value's text. */
export function executeNarrow(plan: Narrow, input: Frame): Frame {
  const refuse = (why: string) =>
    new UnsupportedError('evaluate narrow', plan.span, `evaluate narrow of ${why} is not supported`);
  const readers = input.schema.map((_, c) => columnReader(input, c));
  const rows: Value[][] = [];
  for (let i = 0; i < input.length; i++)
    input.schema.forEach((column, c) => {
      rows.push([i, column.name, text(readers[c](i), column.type, refuse)]);
    });
  return {
    schema: plan.schema,
    columns: plan.schema.map((_, c) => rows.map((r) => r[c])),
    length: rows.length,
  };
}
