import {
  binaryOperator,
  dynamicElement,
  type EvalContext,
  exactLong,
  type Operand,
  operatorWithConstants,
  type ScalarImpl,
  scalarFunctions,
  unaryOperator,
  withPlainNumbers,
} from '../functions/index.js';
import { positioned, UnsupportedError } from '../plan/errors.js';
import { isBranchCondition, type Plan, type ScalarExpr } from '../plan/types.js';
import { isBag, refuseWideDecimal, type Value, valueToDynamic, WideDecimal } from '../values/index.js';
import { columnReader, type Frame } from './frame.js';
import { compileTickCall } from './ticks.js';
import { rowNumberWithRestart, rowRank, rowWindowSession } from './window.js';

export interface Env {
  ctx: EvalContext;
  run(plan: Plan): Frame;
}

/** A compiled scalar expression: the value at row i of the frame it was compiled for. */
export type RowFn = (i: number) => Value;

function resolve(expr: Extract<ScalarExpr, { kind: 'call' }>): ScalarImpl {
  const impl =
    expr.callee === 'function'
      ? scalarFunctions.get(expr.name)
      : expr.callee === 'binary'
        ? binaryOperator(expr.name)
        : unaryOperator(expr.name);
  if (!impl) throw new UnsupportedError(expr.callee === 'function' ? `${expr.name}()` : expr.name, expr.span);
  return expr.callee === 'function'
    ? withPlainNumbers(
        expr.name,
        impl,
        expr.args.map((a) => a.type),
      )
    : impl;
}

export function compileScalar(expr: ScalarExpr, frame: Frame, env: Env): RowFn {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return () => value;
    }
    case 'column':
      return columnReader(frame, expr.index);
    case 'element': {
      const target = compileScalar(expr.target, frame, env);
      if (expr.key.kind === 'literal') {
        const key = expr.key.value;
        return (i) => dynamicElement(target(i), key);
      }
      const key = compileScalar(expr.key, frame, env);
      return (i) => dynamicElement(target(i), key(i));
    }
    case 'subquery': {
      const result = env.run(expr.plan);
      const value = result.length > 0 && result.columns.length > 0 ? result.columns[0][0] : null;
      return () => value;
    }
    case 'row-bag':
      return rowBag(frame, expr);
    case 'component': {
      const target = compileScalar(expr.target, frame, env);
      const { index } = expr;
      const empty = expr.type === 'string' ? '' : null;
      return (i) => {
        const values = target(i);
        return Array.isArray(values) ? ((values[index] as Value) ?? empty) : empty;
      };
    }
    case 'window':
      return compileWindow(expr, frame, env);
    case 'ingestion-time': {
      const { ingestion } = frame;
      return ingestion ? (i) => ingestion[i] ?? null : () => null;
    }
    case 'undocumented': {
      const { construct, span, reason } = expr;
      return () => {
        throw new UnsupportedError(construct, span, reason);
      };
    }
    case 'call':
      return compileCall(expr, frame, env);
  }
}

/**
 * The row as a bag; with ignoreNullEmpty, null and empty-string columns are left out (pack-all
 * doc example). Whether an empty array or bag counts as empty is not documented: refused.
 */
function rowBag(
  frame: Frame,
  { ignoreNullEmpty, width, span }: Extract<ScalarExpr, { kind: 'row-bag' }>,
): RowFn {
  const { columns } = frame;
  const schema = frame.schema.slice(0, width);
  return (i) => {
    const bag: Record<string, ReturnType<typeof valueToDynamic>> = {};
    schema.forEach((c, k) => {
      const value = valueToDynamic(columns[k][i], c.type);
      if (ignoreNullEmpty) {
        if (value === null || value === '') return;
        if ((Array.isArray(value) || isBag(value)) && Object.keys(value).length === 0)
          throw new UnsupportedError('pack_all(true) of an empty array or bag', span);
      }
      bag[c.name] = value;
    });
    return bag;
  };
}

/** `left <op> constants` as one test per row (see operatorWithConstants); undefined if not applicable. */
function compileWithConstants(
  expr: Extract<ScalarExpr, { kind: 'call' }>,
  frame: Frame,
  env: Env,
): RowFn | undefined {
  if (expr.callee !== 'binary' || expr.args.length < 2) return undefined;
  const [left, ...right] = expr.args;
  const operands: Operand[] = [];
  for (const arg of right) {
    if (arg.kind !== 'literal') return undefined;
    operands.push({ value: arg.value, type: arg.type });
  }
  const test = operatorWithConstants(expr.name, left.type, operands);
  if (!test) return undefined;
  const value = compileScalar(left, frame, env);
  const { span, name } = expr;
  return (i) => {
    const v = value(i);
    try {
      return test(v);
    } catch (error) {
      // A refusal of the operator itself (text.ts twoReadings) names the operator's position.
      throw positioned(error, span, name);
    }
  };
}

/** A long-valued call: its result is checked to be one the engine holds exactly (exactLong). */
function exactLongs(impl: ScalarImpl, expr: Extract<ScalarExpr, { kind: 'call' }>): ScalarImpl {
  if (expr.type !== 'long') return impl;
  const construct = expr.callee === 'function' ? `${expr.name}()` : expr.name;
  return (values, types, type, ctx) => exactLong(impl(values, types, type, ctx), construct);
}

/**
 * The calls that read a decimal a double cannot hold exactly (values/wideDecimal.ts): the comparisons
 * (functions/compare.ts) and the null/empty tests. iff/case/coalesce pass it through (compiled apart).
 */
const WIDE_DECIMAL_READERS = new Set([
  'EqualExpression',
  'NotEqualExpression',
  'LessThanExpression',
  'LessThanOrEqualExpression',
  'GreaterThanExpression',
  'GreaterThanOrEqualExpression',
  'InExpression',
  'NotInExpression',
  'BetweenExpression',
  'NotBetweenExpression',
  'isnull',
  'isnotnull',
  'isempty',
  'isnotempty',
]);

/** A call given a wide decimal that it does not read exactly refuses (decided per call site by type). */
function wideDecimals(impl: ScalarImpl, expr: Extract<ScalarExpr, { kind: 'call' }>): ScalarImpl {
  if (WIDE_DECIMAL_READERS.has(expr.name) || !expr.args.some((a) => a.type === 'decimal')) return impl;
  const construct = expr.callee === 'function' ? `${expr.name}()` : expr.name;
  return (values, types, type, ctx) => {
    for (const v of values) if (v instanceof WideDecimal) refuseWideDecimal(construct);
    return impl(values, types, type, ctx);
  };
}

/**
 * A boolean whose value is only tested for truth (a `where` predicate, an `iff`/`case` condition,
 * an *if aggregate's predicate, a scan step's or sequence_detect's condition): there null and false act alike, so `and`/`or` answer two-valued,
 * which both pages' readings of a null operand agree on (operators.ts); elsewhere an `and`/`or`
 * result left undecided by a null is refused. Each operand is itself only tested for truth.
 */
export function compilePredicate(expr: ScalarExpr, frame: Frame, env: Env): RowFn {
  if (expr.kind === 'call' && expr.callee === 'binary' && expr.args.length === 2) {
    if (expr.name === 'AndExpression' || expr.name === 'OrExpression') {
      const a = compilePredicate(expr.args[0], frame, env);
      const b = compilePredicate(expr.args[1], frame, env);
      return expr.name === 'AndExpression'
        ? (i) => a(i) === true && b(i) === true
        : (i) => a(i) === true || b(i) === true;
    }
  }
  return compileScalar(expr, frame, env);
}

/** The arguments of iff/iif/case that are conditions (only tested for truth). */
export function isCondition(expr: Extract<ScalarExpr, { kind: 'call' }>, index: number): boolean {
  return expr.callee === 'function' && isBranchCondition(expr.name, index, expr.args.length);
}

/**
 * iff()/iif()/case() evaluate only the branch their conditions choose: a branch that is not chosen
 * cannot refuse the row (`iff(b == 0, 0, a / b)` guards a division the engine refuses by zero, and a
 * branch converted to the call's type refuses only the values it returns). The result is the value
 * the functions' implementations give (logic.ts): the first branch whose condition is true.
 */
function compileBranches(expr: Extract<ScalarExpr, { kind: 'call' }>, frame: Frame, env: Env): RowFn {
  const args = expr.args.map((a, k) =>
    isCondition(expr, k) ? compilePredicate(a, frame, env) : compileScalar(a, frame, env),
  );
  const last = args.length - 1;
  if (args.length === 3) {
    const [condition, then, otherwise] = args;
    return (i) => (condition(i) === true ? then(i) : otherwise(i));
  }
  return (i) => {
    for (let k = 0; k < last; k += 2) if (args[k](i) === true) return args[k + 1](i);
    return args[last](i);
  };
}

/**
 * coalesce() reads its arguments in order up to the first that is not empty (logic.ts: null, or ''
 * for a string), so an argument after it cannot refuse the row.
 */
function compileCoalesce(expr: Extract<ScalarExpr, { kind: 'call' }>, frame: Frame, env: Env): RowFn {
  const args = expr.args.map((a) => compileScalar(a, frame, env));
  const last = args.length - 1;
  return (i) => {
    for (let k = 0; k < last; k++) {
      const v = args[k](i);
      if (v !== null && v !== '') return v;
    }
    return args[last](i);
  };
}

function compileCall(expr: Extract<ScalarExpr, { kind: 'call' }>, frame: Frame, env: Env): RowFn {
  if (expr.callee === 'function' && (expr.name === 'iff' || expr.name === 'iif' || expr.name === 'case'))
    return compileBranches(expr, frame, env);
  if (expr.callee === 'function' && expr.name === 'coalesce' && expr.args.length > 0)
    return compileCoalesce(expr, frame, env);
  const special = compileWithConstants(expr, frame, env);
  if (special) return special;
  const impl = wideDecimals(exactLongs(resolve(expr), expr), expr);
  const args = expr.args.map((a, k) =>
    isCondition(expr, k) ? compilePredicate(a, frame, env) : compileScalar(a, frame, env),
  );
  const types = expr.args.map((a) => a.type);
  const { type, span, name } = expr;
  const ctx = env.ctx;
  const ticks = compileTickCall(expr, args, (values) => {
    try {
      return impl(values, types, type, ctx);
    } catch (error) {
      throw positioned(error, span, name);
    }
  });
  if (ticks) return ticks;
  // One argument array per call site, refilled for each row: implementations read their arguments
  // and never keep the array, and a call cannot reach itself while its arguments are evaluated.
  const values: Value[] = new Array(args.length);
  const fill: (i: number) => void =
    args.length === 1
      ? (i) => {
          values[0] = args[0](i);
        }
      : args.length === 2
        ? (i) => {
            values[0] = args[0](i);
            values[1] = args[1](i);
          }
        : (i) => {
            for (let k = 0; k < args.length; k++) values[k] = args[k](i);
          };
  return (i) => {
    try {
      fill(i);
      return impl(values, types, type, ctx);
    } catch (error) {
      throw positioned(error, span, name);
    }
  };
}

/** prev/next/row_number over the frame's row order (the input must be serialized, which the binder checks). */
function compileWindow(expr: Extract<ScalarExpr, { kind: 'window' }>, frame: Frame, env: Env): RowFn {
  const args = expr.args.map((a) => compileScalar(a, frame, env));
  if (expr.name === 'row_number') {
    if (args.length > 1) return rowNumberWithRestart(args, frame.length);
    const start = args[0] ? Number(args[0](0)) : 1;
    return (i) => i + start;
  }
  if (expr.name === 'row_cumsum') return cumulativeSum(args, frame.length, expr);
  if (expr.name === 'row_rank_dense' || expr.name === 'row_rank_min')
    return rowRank(args, frame.length, expr);
  if (expr.name === 'row_window_session') return rowWindowSession(args, frame.length, expr);
  const [value, offsetFn, fallbackFn] = args;
  const offset = offsetFn ? Number(offsetFn(0)) : 1;
  const direction = expr.name === 'prev' ? -offset : offset;
  const length = frame.length;
  return (i) => {
    const at = i + direction;
    if (at < 0 || at >= length) return fallbackFn ? fallbackFn(i) : expr.type === 'string' ? '' : null;
    return value(at);
  };
}

/**
 * row_cumsum(term [, restart]): the running sum over the serialized rows, set back to 0 where
 * restart is true (https://learn.microsoft.com/kusto/query/row-cumsum-function). The page does not
 * say how a null term counts, so one is refused.
 */
function cumulativeSum(
  [term, restart]: RowFn[],
  length: number,
  expr: Extract<ScalarExpr, { kind: 'window' }>,
): RowFn {
  let sums: number[] | undefined;
  return (i) => {
    if (!sums) {
      sums = new Array(length);
      let total = 0;
      for (let k = 0; k < length; k++) {
        if (restart && restart(k) === true) total = 0;
        const v = term(k);
        if (typeof v !== 'number') throw new UnsupportedError('row_cumsum() of a null value', expr.span);
        total += v;
        if (expr.type === 'long' && Math.abs(total) > Number.MAX_SAFE_INTEGER)
          throw new UnsupportedError(
            'row_cumsum()',
            expr.span,
            'row_cumsum() of longs reached beyond 2^53, which the engine cannot hold exactly',
          );
        sums[k] = total;
      }
    }
    return sums[i];
  };
}
