import type { ScalarExpr } from '../plan/types.js';
import { emptyValue, type Frame } from './frame.js';
import { compilePredicate, type Env } from './scalar.js';

/**
 * A `where` predicate that reads one column only, of a dictionary-encoded column (a columnar
 * table's strings, guids or dynamic values), evaluated once per distinct value instead of once per
 * row: rows with equal codes hold the same value, so they get the same answer. `ResultType != "0"`
 * or `AppDisplayName has "azure"` over millions of sign-ins then costs a code lookup per row. A value
 * is evaluated when a row first holds it, so a value no kept row holds is never evaluated (and
 * cannot raise an error the row-by-row filter would not). Undefined when the predicate reads other
 * columns, reads its row's neighbours, record or position, or the column has no dictionary.
 */
export function dictionaryTest(
  expr: ScalarExpr,
  frame: Frame,
  env: Env,
): ((i: number) => boolean) | undefined {
  const columns = new Set<number>();
  if (!frame.dictionary || !readsColumnsOnly(expr, columns) || columns.size !== 1) return undefined;
  const [c] = columns;
  const encoded = frame.dictionary(c);
  if (!encoded) return undefined;
  // The distinct values, then the empty value that a null code (-1) reads as.
  const values = [...encoded.dictionary, emptyValue(frame.schema[c].type)];
  const empty = values.length - 1;
  const distinct: Frame = {
    schema: frame.schema,
    columns: frame.schema.map((_, k) => (k === c ? values : [])),
    length: values.length,
  };
  const predicate = compilePredicate(expr, distinct, env);
  const { codes } = encoded;
  // Per value: -1 not yet evaluated, else whether the predicate is true.
  const kept = new Int8Array(values.length).fill(-1);
  return (i) => {
    const code = codes[i] < 0 ? empty : codes[i];
    let answer = kept[code];
    if (answer < 0) answer = kept[code] = predicate(code) === true ? 1 : 0;
    return answer === 1;
  };
}

/** Collects the columns `expr` reads; false when its value depends on more than them. */
function readsColumnsOnly(expr: ScalarExpr, columns: Set<number>): boolean {
  switch (expr.kind) {
    case 'column':
      columns.add(expr.index);
      return true;
    case 'literal':
    case 'subquery':
      return true;
    case 'call':
      return expr.args.every((a) => readsColumnsOnly(a, columns));
    case 'element':
      return readsColumnsOnly(expr.target, columns) && readsColumnsOnly(expr.key, columns);
    case 'component':
      return readsColumnsOnly(expr.target, columns);
    default:
      // Window functions (neighbours), pack_all (the whole row), ingestion_time() (the record).
      return false;
  }
}
