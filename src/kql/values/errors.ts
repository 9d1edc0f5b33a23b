/**
 * A construct the engine deliberately refuses (a wrong answer is worse than a refusal).
 * The executor re-throws it with the query position of the offending node.
 */
export class UnsupportedError extends Error {
  constructor(
    readonly construct: string,
    message?: string,
  ) {
    super(message ?? `${construct} is not supported by the embedded KQL engine`);
    this.name = 'UnsupportedError';
  }
}

/** A runtime error Kusto itself would raise (for example a bad regular expression). */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}

/**
 * Deferred refusal: a function whose page settles some inputs and leaves others open answers the
 * settled ones and throws this for an open one, only when such an input is evaluated. The executor
 * positions it at the call (`positioned` in plan/errors.ts), so a query over data without the open
 * case (an empty table, XML with only documented shapes) is answered, and one that reaches it is
 * refused with the construct, what the page leaves open, and the query position. Use it instead of
 * refusing the whole function at plan time when the gap is in the values, not the call.
 */
export function undocumentedInput(construct: string, what: string, page: string): UnsupportedError {
  return new UnsupportedError(construct, `${what} is not settled by ${page}; refusing rather than guessing`);
}
