export {
  coerce,
  convertInQuery,
  dynamicIdentity,
  dynamicText,
  formatReal,
  kqlString,
  NON_FINITE_TEXT,
  parseBool,
  parseGuid,
  parseReal,
  plainJson,
  refuseDashedYearLast,
  refuseMixedNumberKinds,
  refuseOutOfIntRange,
  refuseUndocumentedNumberText,
  refuseUndocumentedTimespanText,
  toInteger,
  toJson,
  valueToDynamic,
  valueToString,
} from './convert.js';
export {
  dateToTicks,
  formatDateTime,
  MAX_DATETIME_TICKS,
  parseDateTime,
  TICKS_PER_DAY,
  TICKS_PER_HOUR,
  TICKS_PER_MILLISECOND,
  TICKS_PER_MINUTE,
  TICKS_PER_SECOND,
  ticksToDate,
  UNIX_EPOCH_TICKS,
} from './datetime.js';
export { EvaluationError, UnsupportedError, undocumentedInput } from './errors.js';
export { readJsonData, readJsonText } from './json-text.js';
export { formatTimespan, parseTimespan, withinTickRange } from './timespan.js';
export type { Json, KqlType, Value } from './types.js';
export { DynReal, dynamicNumber, isBag, JsonWhole, kqlTypes, realInDynamic, setOwn } from './types.js';
export { refuseWideDecimal, WideDecimal } from './wideDecimal.js';
