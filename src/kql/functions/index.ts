import { arrayFunctions } from './arrays.js';
import { commandLineFunctions } from './commandLine.js';
import { compressionFunctions } from './compression.js';
import { conversionFunctions } from './conversion.js';
import { convertFunctions } from './convert.js';
import { dataSizeFunctions } from './dataSize.js';
import { datetimeFunctions } from './datetime.js';
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
import { seriesMathFunctions } from './seriesMath.js';
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

const tables: FunctionTable[] = [
  arrayFunctions,
  commandLineFunctions,
  compressionFunctions,
  conversionFunctions,
  convertFunctions,
  dataSizeFunctions,
  datetimeFunctions,
  dynamicFunctions,
  errorFunctions,
  geoFunctions,
  geoShapeFunctions,
  h3Functions,
  hashFunctions,
  hllFunctions,
  ipFunctions,
  ipTextFunctions,
  jsonPathFunctions,
  logicFunctions,
  mathFunctions,
  multiStringFunctions,
  punycodeFunctions,
  regexTextFunctions,
  s2Functions,
  seriesFunctions,
  seriesFitPolyFunctions,
  seriesMathFunctions,
  statisticsFunctions,
  stringFunctions,
  timezoneFunctions,
  unitFunctions,
  wideLongFunctions,
  wktFunctions,
  xmlFunctions,
];

/** Scalar functions by lower-case Kusto function name. */
export const scalarFunctions: Map<string, ScalarImpl> = new Map(
  tables.flatMap((t) => Object.entries(t)).map(([name, impl]) => [name.toLowerCase(), impl]),
);
