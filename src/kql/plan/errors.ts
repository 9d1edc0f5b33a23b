import type { QueryDiagnostic } from '../syntax/index.js';
import { EvaluationError, UnsupportedError as ValueUnsupported } from '../values/index.js';
import { notSupported } from './refusals.js';
import type { Span } from './types.js';

/** A query that cannot run: binding errors from Kusto.Language or an error raised while executing. */
export class KqlError extends Error {
  readonly diagnostics: QueryDiagnostic[];

  constructor(diagnostics: QueryDiagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message} (at offset ${d.start})`).join('\n'));
    this.name = 'KqlError';
    this.diagnostics = diagnostics;
  }
}

/** A construct the engine deliberately refuses, with its position; a wrong answer is worse than a refusal. */
export class UnsupportedError extends KqlError {
  readonly construct: string;
  readonly start: number;
  readonly length: number;

  constructor(construct: string, span: Span, message?: string) {
    super([
      {
        code: 'KQL-UNSUPPORTED',
        severity: 'error',
        message: message ?? notSupported(construct),
        start: span.start,
        length: span.length,
      },
    ]);
    this.name = 'UnsupportedError';
    this.construct = construct;
    this.start = span.start;
    this.length = span.length;
  }
}

/** A runtime error Kusto itself would raise (bad regex, wrong argument), positioned at its construct. */
export function evaluationError(message: string, span: Span): KqlError {
  return new KqlError([
    { code: 'KQL-EVAL', severity: 'error', message, start: span.start, length: span.length },
  ]);
}

/** Errors from function implementations, positioned at the call. */
export function positioned(error: unknown, span: Span, name: string): KqlError {
  if (error instanceof KqlError) return error;
  if (error instanceof ValueUnsupported) return new UnsupportedError(error.construct, span, error.message);
  if (error instanceof EvaluationError) return evaluationError(error.message, span);
  return evaluationError(`${name}: ${error instanceof Error ? error.message : String(error)}`, span);
}

/**
 * A parser Sentinel or a Solution deploys whose rows over the data are unknown; `known` says how the
 * engine knows it (by its output columns only, or a published body it cannot run: bodyRefusal).
 */
export function parserRefusal(name: string, span: Span, known: string): UnsupportedError {
  return new UnsupportedError(
    name,
    span,
    `${name} is a parser Sentinel or a Solution deploys, ${known}, so ` +
      `its rows over this data are unknown: import it with \`sentinel-kit import\` (into kql/parsers) ` +
      `or give rows for ${name} in the test's tables`,
  );
}

export function bodyRefusal(name: string, span: Span, why: string): UnsupportedError {
  return parserRefusal(name, span, `whose published body the engine cannot run (${why})`);
}
