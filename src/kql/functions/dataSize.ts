/**
 * estimate_data_size(columns) (https://learn.microsoft.com/kusto/query/estimate-data-size-function):
 * the page's one example sizes a long at 8 bytes and the string '1234567890' at its length, 10
 * ("(8+10)x10 = 180"). Only those are settled: a string's size is its length while it is ASCII (bytes
 * and characters agree); other types (the page says a dynamic value is "more complex" than its text),
 * nulls and non-ASCII strings are refused when they are met.
 */
import { undocumentedInput, type Value } from '../values/index.js';
import { isAscii } from './text.js';
import type { FunctionTable } from './types.js';

const PAGE = 'the estimate_data_size page';

function size(value: Value, type: string): number {
  if (type === 'long' && value !== null) return 8;
  if (type === 'string' && typeof value === 'string' && isAscii(value)) return value.length;
  const what =
    value === null
      ? `the size of a null ${type}`
      : type === 'string'
        ? 'the size of a non-ASCII string'
        : `the size of a ${type} value`;
  throw undocumentedInput('estimate_data_size()', what, PAGE);
}

export const dataSizeFunctions: FunctionTable = {
  estimate_data_size: (args, argTypes) =>
    args.reduce<number>((total, v, i) => total + size(v, argTypes[i]), 0),
};
