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
