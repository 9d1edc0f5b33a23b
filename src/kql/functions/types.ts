import type { KqlType, Value } from '../values/index.js';

export interface EvalContext {
  /** Evaluation time in ticks: now() and ago() use it, so a scheduled rule run is reproducible. */
  now: bigint;
}

/**
 * A scalar function or operator. The engine passes the evaluated arguments, their static types and
 * the static result type, all as bound by Kusto.Language.
 */
export type ScalarImpl = (args: Value[], argTypes: KqlType[], resultType: KqlType, ctx: EvalContext) => Value;

export type FunctionTable = Record<string, ScalarImpl>;
