/**
 * A whole decimal a double cannot hold exactly. The engine holds a decimal as a double checked to be
 * the decimal's exact value (functions/decimal.ts); parse_version() gives decimals of up to 32 digits
 * (parts times 10^24, 10^16, 10^8, 1: https://learn.microsoft.com/kusto/query/parse-version-function
 * prints 1.2.3.4 as 1,000,000,020,000,000,300,000,004), which are compared, sorted, grouped and
 * printed, and rarely anything else. Such a value is kept whole in this box, and only the consumers
 * that read it exactly take it: comparisons with another decimal (compare.ts), sort (sort.ts), group
 * and join keys (keys.ts), display (convert.ts), iff/case/coalesce, isnull/isnotnull. Every other use
 * refuses: a scalar call given one refuses at the call (execute/scalar.ts), and any JavaScript
 * arithmetic, comparison, text or JSON of the box throws the refusal, so code that does not know it
 * cannot turn it into a rounded number or a property bag silently.
 */
import { UnsupportedError } from './errors.js';

function refuse(use: string): never {
  throw new UnsupportedError(
    'a decimal beyond a double',
    `${use} of a decimal with more digits than a double holds (parse_version() of a version with a major part and another part) is not supported: the engine keeps such a decimal exact only to compare, sort, group or print it`,
  );
}

export class WideDecimal {
  // Private, so Object.keys, spreads and structured clones see no property a bag reader could take.
  readonly #digits: bigint;
  constructor(digits: bigint) {
    this.#digits = digits;
  }
  get digits(): bigint {
    return this.#digits;
  }
  [Symbol.toPrimitive](): never {
    return refuse('arithmetic or text');
  }
  toJSON(): never {
    return refuse('a dynamic value or JSON text');
  }
}

/** The refusal for a use of a wide decimal by a construct that does not read it exactly. */
export function refuseWideDecimal(construct: string): never {
  return refuse(construct);
}
