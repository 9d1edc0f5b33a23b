import {
  binaryOperator,
  dynamicElement,
  type EvalContext,
  type ScalarImpl,
  scalarFunctions,
  unaryOperator,
} from '../functions/index.js';
import { positioned, UnsupportedError } from '../plan/errors.js';
import type { Plan, ScalarExpr, Span } from '../plan/types.js';
import { type Value, valueToDynamic } from '../values/index.js';
import type { Frame } from './frame.js';

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
  return impl;
}

export function compileScalar(expr: ScalarExpr, frame: Frame, env: Env): RowFn {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return () => value;
    }
    case 'column': {
      const column = frame.columns[expr.index];
      return (i) => column[i];
    }
    case 'element': {
      const target = compileScalar(expr.target, frame, env);
      const key = compileScalar(expr.key, frame, env);
      return (i) => dynamicElement(target(i), key(i));
    }
    case 'subquery': {
      const result = env.run(expr.plan);
      const value = result.length > 0 && result.columns.length > 0 ? result.columns[0][0] : null;
      return () => value;
    }
    case 'row-bag': {
      const { schema, columns } = frame;
      return (i) => {
        const bag: Record<string, ReturnType<typeof valueToDynamic>> = {};
        schema.forEach((c, k) => {
          bag[c.name] = valueToDynamic(columns[k][i], c.type);
        });
        return bag;
      };
    }
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
    case 'call':
      return compileCall(expr, frame, env);
  }
}

function compileCall(expr: Extract<ScalarExpr, { kind: 'call' }>, frame: Frame, env: Env): RowFn {
  const impl = resolve(expr);
  const args = expr.args.map((a) => compileScalar(a, frame, env));
  const types = expr.args.map((a) => a.type);
  const { type, span, name } = expr;
  const ctx = env.ctx;
  const guard =
    (run: RowFn): RowFn =>
    (i) => {
      try {
        return run(i);
      } catch (error) {
        throw positioned(error, span, name);
      }
    };
  switch (args.length) {
    case 0:
      return guard(() => impl([], types, type, ctx));
    case 1: {
      const [a] = args;
      return guard((i) => impl([a(i)], types, type, ctx));
    }
    case 2: {
      const [a, b] = args;
      return guard((i) => impl([a(i), b(i)], types, type, ctx));
    }
    default:
      return guard((i) =>
        impl(
          args.map((f) => f(i)),
          types,
          type,
          ctx,
        ),
      );
  }
}

/** prev/next/row_number over the frame's row order (the input must be serialized, which the binder checks). */
function compileWindow(expr: Extract<ScalarExpr, { kind: 'window' }>, frame: Frame, env: Env): RowFn {
  const args = expr.args.map((a) => compileScalar(a, frame, env));
  if (expr.name === 'row_number') {
    if (args.length > 1) throw new UnsupportedError('row_number() with restart', expr.span);
    const start = args[0] ? Number(args[0](0)) : 1;
    return (i) => i + start;
  }
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
