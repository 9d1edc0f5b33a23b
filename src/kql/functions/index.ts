import { plainJson, type Value } from '../values/index.js';
import { arrayFunctions } from './arrays.js';
import { commandLineFunctions } from './commandLine.js';
import { compressionFunctions } from './compression.js';
import { conversionFunctions } from './conversion.js';
import { convertFunctions } from './convert.js';
import { dataSizeFunctions } from './dataSize.js';
import { datetimeFunctions } from './datetime.js';
import { versionFunctions } from './decimal.js';
import { dynamicFunctions } from './dynamic.js';
import { errorFunctions } from './errorFunction.js';
import { geoFunctions } from './geo.js';
import { geoShapeFunctions } from './geoShapes.js';
import { h3Functions } from './h3.js';
import { hashFunctions } from './hash.js';
import { hllFunctions } from './hllSketch.js';
import { ipFunctions } from './ip.js';
import { ipTextFunctions } from './ipText.js';
import { jsonPathFunctions } from './jsonPath.js';
import { logicFunctions } from './logic.js';
import { mathFunctions } from './math.js';
import { multiStringFunctions } from './multiString.js';
import { punycodeFunctions } from './punycode.js';
import { regexTextFunctions } from './regexText.js';
import { s2Functions } from './s2.js';
import { seriesFunctions } from './series.js';
import { seriesFitPolyFunctions } from './seriesFitPoly.js';
import { seriesKindFunctions, seriesMathFunctions } from './seriesMath.js';
import { statisticsFunctions } from './statistics.js';
import { stringFunctions } from './strings.js';
import { timezoneFunctions } from './timezone.js';
import type { FunctionTable, ScalarImpl } from './types.js';
import { unitFunctions } from './units.js';
import { wideLongFunctions } from './wideLong.js';
import { wktFunctions } from './wkt.js';
import { xmlFunctions } from './xml.js';

export { BRANCH_VALUE, INT_PARAMETER } from './conversion.js';
export { decimalFromText } from './decimal.js';
export { dynamicElement } from './dynamic.js';
export { binaryOperator, type Operand, operatorWithConstants, unaryOperator } from './operators.js';
export { checkSeriesCall } from './series.js';
export type { EvalContext, ScalarImpl } from './types.js';
export { exactLong, WIDE_COMPARISONS } from './wideLong.js';

/**
 * Functions that copy dynamic values into their result or convert them with their kind (tostring,
 * gettype, pack, array_*, bag_*, iff...): they see a whole real boxed (DynReal) and keep it.
 */
const kindKeeping: FunctionTable[] = [
  arrayFunctions,
  commandLineFunctions,
  conversionFunctions,
  dynamicFunctions,
  hashFunctions,
  jsonPathFunctions,
  logicFunctions,
  multiStringFunctions,
  seriesKindFunctions,
  stringFunctions,
];

/**
 * Functions that read numbers out of dynamic arguments (series, geo shapes, math): their dynamic
 * arguments reach them with whole reals as plain numbers (plainJson), the value being all they use.
 */
const numberReading: FunctionTable[] = [
  compressionFunctions,
  convertFunctions,
  dataSizeFunctions,
  datetimeFunctions,
  errorFunctions,
  geoFunctions,
  geoShapeFunctions,
  h3Functions,
  hllFunctions,
  ipFunctions,
  ipTextFunctions,
  mathFunctions,
  punycodeFunctions,
  regexTextFunctions,
  s2Functions,
  seriesFunctions,
  seriesFitPolyFunctions,
  seriesMathFunctions,
  statisticsFunctions,
  timezoneFunctions,
  unitFunctions,
  versionFunctions,
  wideLongFunctions,
  wktFunctions,
  xmlFunctions,
];

// A literal array or bag is the same object on every row: unboxed once.
const unboxed = new WeakMap<object, Value>();

function plainArgument(v: Value): Value {
  if (v === null || typeof v !== 'object') return v;
  let plain = unboxed.get(v);
  if (plain === undefined) {
    plain = plainJson(v);
    unboxed.set(v, plain);
  }
  return plain;
}

/**
 * A number-reading function (above) called with a dynamic argument: whole reals in it unboxed.
 * Decided per call site from the static types, so calls without a dynamic argument pay nothing.
 */
export function withPlainNumbers(name: string, impl: ScalarImpl, types: readonly string[]): ScalarImpl {
  if (!numberReadingNames.has(name) || !types.includes('dynamic')) return impl;
  return (args, argTypes, resultType, ctx) => {
    let plain = args;
    for (let k = 0; k < args.length; k++) {
      if (argTypes[k] !== 'dynamic') continue;
      const p = plainArgument(args[k]);
      if (p === args[k]) continue;
      if (plain === args) plain = args.slice();
      plain[k] = p;
    }
    return impl(plain, argTypes, resultType, ctx);
  };
}

const numberReadingNames = new Set(numberReading.flatMap((t) => Object.keys(t).map((n) => n.toLowerCase())));

/** Scalar functions by lower-case Kusto function name. */
export const scalarFunctions: Map<string, ScalarImpl> = new Map(
  [...kindKeeping, ...numberReading]
    .flatMap((t) => Object.entries(t))
    .map(([name, impl]) => [name.toLowerCase(), impl]),
);
